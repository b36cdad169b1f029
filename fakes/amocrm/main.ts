/** CLI: starts the fake amoCRM on PORT (default 9999) and prints what a by-hand user needs. */
import { startFakeAmo } from './server.js';

const port = Number(process.env.PORT ?? 9999);
const host = process.env.HOST ?? '127.0.0.1';
const amo = await startFakeAmo({
  port,
  host,
  ...(process.env.AMO_CLIENT_ID ? { clientId: process.env.AMO_CLIENT_ID } : {}),
  ...(process.env.AMO_CLIENT_SECRET ? { clientSecret: process.env.AMO_CLIENT_SECRET } : {}),
  ...(process.env.AMO_REDIRECT_URI ? { redirectUri: process.env.AMO_REDIRECT_URI } : {}),
});

const lines = [
  `fake amoCRM API v4 listening on ${amo.url}`,
  `  client_id:          ${amo.clientId}`,
  `  client_secret:      ${amo.clientSecret}`,
  `  redirect_uri:       ${amo.redirectUri}`,
  `  authorization code: ${amo.authorizationCode()}   (20 min, single use)`,
  `  long-lived token:   ${amo.issueLongLivedToken()}`,
  `  consent redirect:   ${amo.url}/oauth?client_id=${amo.clientId}&state=xyz`,
  `  control API:        ${amo.url}/__fake  (state: GET /__fake/state, faults: POST /__fake/faults)`,
];
process.stdout.write(`${lines.join('\n')}\n`);

const stop = () => {
  amo.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
