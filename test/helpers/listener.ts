import { createServer, type Server } from 'node:net';

export interface CountingListener {
  port: number;
  /** connections accepted so far */
  connections(): number;
  close(): Promise<void>;
}

/** A loopback listener that counts the connections made to it (and closes each at once). */
export async function countingListener(): Promise<CountingListener> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return {
    port: address.port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
