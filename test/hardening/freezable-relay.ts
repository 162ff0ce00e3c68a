import { createServer, connect, Server, Socket } from 'node:net';

export interface FreezableRelay {
  port: number;
  /** Stop forwarding in both directions; sockets stay open, as on a blackholed network. */
  freeze: () => void;
  /** Deliver what was held back, in order, and forward again: the network has healed. */
  thaw: () => void;
  close: () => Promise<void>;
}

interface Pipe {
  from: Socket;
  to: Socket;
  held: Buffer[];
}

/**
 * A TCP relay on a free local port in front of `targetPort`. Frozen, it holds every byte instead
 * of forwarding it, so clients see connections that accept writes and never answer, which is
 * what a dropped route or a stalled proxy looks like.
 */
export async function startFreezableRelay(targetPort: number): Promise<FreezableRelay> {
  let frozen = false;
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();

  const forward = (pipe: Pipe): void => {
    pipe.from.on('data', (chunk: Buffer) => {
      if (frozen) pipe.held.push(chunk);
      else pipe.to.write(chunk);
    });
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    const up: Pipe = { from: client, to: upstream, held: [] };
    const down: Pipe = { from: upstream, to: client, held: [] };
    for (const pipe of [up, down]) {
      pipes.add(pipe);
      pipe.from.on('close', () => pipes.delete(pipe));
      forward(pipe);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('relay has no port');

  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const pipe of pipes) {
        for (const chunk of pipe.held.splice(0)) pipe.to.write(chunk);
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
