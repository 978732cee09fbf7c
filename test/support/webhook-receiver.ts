import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with the outcome of checking its signature. */
export interface ReceivedWebhook {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The parsed body; null when it was not JSON. */
  json: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  /** Verified with the path's secret by the standardwebhooks package (signature and timestamp). */
  verified: boolean;
  /** The secrets of the path each of the request's signatures verified with (rotation: two). */
  verifiedWith: string[];
  receivedAt: number;
  /** The status this receiver answered. */
  answered: number;
}

/** What the receiver answers one request to a path: default 204. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Waits this long before answering (time-outs). */
  delayMs?: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for the webhook tests: every path is an endpoint with its own
 * secrets (set by the test after the endpoint is created), and answers from a script, 204 when the
 * script is empty. Every request is kept with the result of verifying it with `standardwebhooks`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string[]>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private server!: Server;
  private port = 0;

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    receiver.server.listen(port, '127.0.0.1');
    await once(receiver.server, 'listening');
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  /** The URL of an endpoint path on this receiver, e.g. url('/office-a'). */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The secrets a path's requests are verified with (one, or two during a rotation). */
  setSecrets(path: string, ...secrets: string[]): void {
    this.secrets.set(path, secrets);
  }

  /** Answers the next requests to the path, in order; afterwards 204 again. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves once `test` holds (checked after each request); rejects after timeoutMs. */
  async waitFor(test: () => boolean, timeoutMs = 15_000, what = 'webhooks'): Promise<void> {
    if (test()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { test, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const headers = {
      'webhook-id': header('webhook-id'),
      'webhook-timestamp': header('webhook-timestamp'),
      'webhook-signature': header('webhook-signature'),
    };
    const verifiedWith = (this.secrets.get(path) ?? []).filter((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        // The package accepts any one matching signature: check that this secret's is among them.
        const own = new Webhook(secret)
          .sign(headers['webhook-id'], new Date(Number(headers['webhook-timestamp']) * 1000), body)
          .split(',')[1];
        return headers['webhook-signature'].split(' ').some((s) => s.split(',')[1] === own);
      } catch {
        return false;
      }
    });
    let json: ReceivedWebhook['json'] = null;
    try {
      json = JSON.parse(body) as ReceivedWebhook['json'];
    } catch {
      json = null;
    }
    const answer = this.scripts.get(path)?.shift() ?? { status: 204 };
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    this.received.push({
      path,
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      json,
      verified: verifiedWith.length > 0,
      verifiedWith,
      receivedAt: Date.now(),
      answered: answer.status,
    });
    if (!res.destroyed) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
