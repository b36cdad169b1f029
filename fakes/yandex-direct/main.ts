/** CLI: starts the fake Yandex Direct Reports API on PORT (default 9998) and prints what a by-hand user needs. */
import { ADVERTISER_LOGIN, ADVERTISER_TOKEN, AGENCY_CLIENT_LOGIN, AGENCY_TOKEN } from './seed.js';
import { startFakeDirect } from './server.js';

const direct = await startFakeDirect({
  port: Number(process.env.PORT ?? 9998),
  host: process.env.HOST ?? '127.0.0.1',
  retryIn: Number(process.env.RETRY_IN ?? 1),
});

const lines = [
  `fake Yandex Direct Reports API v5 listening on ${direct.url}  (today is ${direct.today()})`,
  `  reports:           POST ${direct.url}/json/v5/reports`,
  `  advertiser token:  ${ADVERTISER_TOKEN}   (login ${ADVERTISER_LOGIN}, RUB)`,
  `  agency token:      ${AGENCY_TOKEN}   (Client-Login: ${AGENCY_CLIENT_LOGIN}, KZT)`,
  `  control API:       ${direct.url}/__fake  (state: GET /__fake/state, faults: POST /__fake/faults)`,
];
process.stdout.write(`${lines.join('\n')}\n`);

const stop = () => {
  direct.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
