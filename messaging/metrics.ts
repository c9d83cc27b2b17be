// The messenger's Prometheus metrics, registered beside the server's own.
import client from 'prom-client';

export class ChatMetrics {
  readonly requests: client.Counter<'type'>;
  readonly rejected: client.Counter<'reason'>;
  readonly requestDuration: client.Histogram<'type'>;
  readonly eventsFannedOut: client.Counter;
  readonly fellBehind: client.Counter;
  readonly uploads: client.Counter<'result'>;
  readonly uploadedBytes: client.Counter;
  readonly downloads: client.Counter<'status'>;
  readonly retentionRemoved: client.Counter;
  readonly botRequests: client.Counter<'result'>;
  readonly botWebhooks: client.Counter<'result'>;

  constructor(registry: client.Registry, connections: () => number) {
    const registers = [registry];
    this.requests = new client.Counter({
      name: 'school_call_chat_requests_total',
      help: 'Messenger requests handled, by request type',
      labelNames: ['type'],
      registers,
    });
    this.rejected = new client.Counter({
      name: 'school_call_chat_rejected_total',
      help: 'Messenger frames, requests and uploads rejected, by error reason',
      labelNames: ['reason'],
      registers,
    });
    this.requestDuration = new client.Histogram({
      name: 'school_call_chat_request_duration_seconds',
      help: 'Time to answer a messenger request (a send: until it is durable in PostgreSQL)',
      labelNames: ['type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.eventsFannedOut = new client.Counter({
      name: 'school_call_chat_events_total',
      help: 'Message events this host encoded once and published to its connections',
      registers,
    });
    this.fellBehind = new client.Counter({
      name: 'school_call_chat_fell_behind_total',
      help: 'Connections closed to resume from their cursors: they missed a change of a chat they follow',
      registers,
    });
    this.uploads = new client.Counter({
      name: 'school_call_chat_uploads_total',
      help: 'Attachment uploads finished, by result',
      labelNames: ['result'],
      registers,
    });
    this.uploadedBytes = new client.Counter({
      name: 'school_call_chat_uploaded_bytes_total',
      help: 'Attachment bytes received',
      registers,
    });
    this.downloads = new client.Counter({
      name: 'school_call_chat_downloads_total',
      help: 'Attachment downloads, by HTTP status',
      labelNames: ['status'],
      registers,
    });
    this.retentionRemoved = new client.Counter({
      name: 'school_call_chat_retention_removed_total',
      help: "Messages removed by retention (older than their school's or their chat's period)",
      registers,
    });
    this.botRequests = new client.Counter({
      name: 'school_call_bot_api_total',
      help: "Bot API requests (bots.ts), by result: ok or the refusal's reason",
      labelNames: ['result'],
      registers,
    });
    this.botWebhooks = new client.Counter({
      name: 'school_call_bot_webhooks_total',
      help: 'Webhook deliveries to bots, by result: delivered, failed (after every try), refused (a private address), dropped (the bot no longer has the chat, a URL, or is disabled)',
      labelNames: ['result'],
      registers,
    });
    new client.Gauge({
      name: 'school_call_chat_connections',
      help: 'Authenticated messenger connections on this host',
      registers,
      collect() {
        this.set(connections());
      },
    });
  }
}
