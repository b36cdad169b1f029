import { createRequire } from 'node:module';
import { isbot } from 'isbot';

export interface DeviceInfo {
  /** name and major version: 'Chrome 131', 'Yandex 24', 'Safari 17', 'Samsung Browser 26' */
  browser: string | null;
  device: 'desktop' | 'mobile' | 'tablet';
  /** name and major version: 'Windows 10', 'Android 14', 'iOS 17', 'macOS', 'Linux' */
  os: string | null;
}

// ua-parser-js 1.x ships no types (2.x does, but is AGPL): this is the part of its result we read.
interface ParsedUserAgent {
  browser: { name?: string; major?: string };
  os: { name?: string; version?: string };
  device: { type?: string };
}
type UAParserClass = new (ua: string) => { getResult(): ParsedUserAgent };
const UAParser = createRequire(import.meta.url)('ua-parser-js') as UAParserClass;

// The spellings people know from the browsers themselves.
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Samsung Internet': 'Samsung Browser',
};

// iOS in-app web views (VK, Telegram) identify only as WebKit; its build number is no browser version.
const BROWSERS_WITHOUT_VERSION = new Set(['WebKit']);

// Windows versions are names (XP, 8.1, 10); macOS and ChromeOS user agents are frozen or carry a
// build number, so their version says nothing about the machine.
const OS_NAMES: Readonly<Record<string, { name: string; version: 'whole' | 'none' }>> = {
  Windows: { name: 'Windows', version: 'whole' },
  'Mac OS': { name: 'macOS', version: 'none' },
  'Chromium OS': { name: 'ChromeOS', version: 'none' },
};

/**
 * The browser, operating system and device category of a user agent. Device categories follow what
 * a marketer compares: phones and watches are mobile, tablets are tablets, and everything else —
 * computers, smart TVs, game consoles, cars, or a user agent that names no device — is desktop.
 * An iPad in its default desktop mode sends a Mac user agent and so counts as desktop.
 */
export function parseUserAgent(ua: string | undefined): DeviceInfo {
  if (typeof ua !== 'string' || !ua.trim()) return { browser: null, device: 'desktop', os: null };
  const { browser, os, device } = new UAParser(ua).getResult();
  return { browser: browserLabel(browser), device: deviceCategory(device.type), os: osLabel(os) };
}

/** True for crawlers, monitors, scripts and headless browsers; a request with no user agent is one too. */
export function isBotUserAgent(ua: string | undefined): boolean {
  if (typeof ua !== 'string' || !ua.trim()) return true;
  return isbot(ua);
}

function browserLabel({ name, major }: ParsedUserAgent['browser']): string | null {
  if (!name) return null;
  const label = BROWSER_NAMES[name] ?? name;
  return major && !BROWSERS_WITHOUT_VERSION.has(name) ? `${label} ${major}` : label;
}

function osLabel({ name, version }: ParsedUserAgent['os']): string | null {
  if (!name) return null;
  const known = OS_NAMES[name];
  const label = known?.name ?? name;
  const policy = known?.version ?? 'major';
  if (!version || policy === 'none') return label;
  return `${label} ${policy === 'whole' ? version : version.split('.', 1)[0]}`;
}

function deviceCategory(type: string | undefined): DeviceInfo['device'] {
  if (type === 'mobile' || type === 'wearable') return 'mobile';
  if (type === 'tablet') return 'tablet';
  return 'desktop';
}
