/** CLI: starts the fake VK Ads API on PORT (default 9997) and prints what a by-hand user needs. */
import {
  AGENCY_CLIENT_ID,
  AGENCY_CLIENT_SECRET,
  AGENCY_CLIENT_USERNAME,
  CLIENT_ID,
  CLIENT_SECRET,
} from './seed.js';
import { startFakeVk } from './server.js';

const vk = await startFakeVk({
  port: Number(process.env.PORT ?? 9997),
  host: process.env.HOST ?? '127.0.0.1',
});

const lines = [
  `fake VK Ads API listening on ${vk.url}  (today is ${vk.today()})`,
  `  token:          POST ${vk.url}/api/v2/oauth2/token.json  (grant_type=client_credentials)`,
  `  client_id:      ${CLIENT_ID}`,
  `  client_secret:  ${CLIENT_SECRET}`,
  `  agency:         ${AGENCY_CLIENT_ID} / ${AGENCY_CLIENT_SECRET}  (agency_client_name=${AGENCY_CLIENT_USERNAME})`,
  `  control API:    ${vk.url}/__fake  (state: GET /__fake/state, faults: POST /__fake/faults)`,
];
process.stdout.write(`${lines.join('\n')}\n`);

const stop = () => {
  vk.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
