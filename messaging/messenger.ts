import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
// The messenger's parts put together: the stores on PostgreSQL (file records
// too), the chat bus on Redis, and this host's live feed. Endpoints (the
// /chat socket, HTTP routes, the call's in-call chat) reach everything
// through this.
import type { SharedLimits } from '../signaling/security/sharedLimits.js';
import { BotService } from './bots.js';
import { ChatBus } from './bus.js';
import { ChannelService } from './channels.js';
import { ChatRetention } from './chatRetention.js';
import { ChatService } from './chats.js';
import type { MessagingConfig } from './config.js';
import { ChatError, ChatErrorCode } from './errors.js';
import { ChatFeed } from './feed.js';
import { FileRecords } from './files/fileRecords.js';
import { InviteService } from './invites.js';
import { JoinRequests } from './joinRequests.js';
import { MessageMarks } from './marks.js';
import { MessageService } from './messages.js';
import type { ChatMetrics } from './metrics.js';
import { PersonLimits } from './personLimits.js';
import { PrefsService } from './prefs.js';
import { Resume } from './resume.js';
import { ScheduledPosts } from './scheduledPosts.js';
import { MessageSearch } from './search.js';
import { ChatStore } from './store/chatStore.js';
import { MessageStore } from './store/messageStore.js';
import { RetentionStore } from './store/retentionStore.js';

export class Messenger {
  readonly chatStore: ChatStore;
  readonly messageStore: MessageStore;
  readonly chats: ChatService;
  readonly messages: MessageService;
  readonly marks: MessageMarks;
  readonly feed: ChatFeed;
  readonly resume: Resume;
  readonly files: FileRecords;
  readonly channels: ChannelService;
  readonly invites: InviteService;
  readonly scheduled: ScheduledPosts;
  readonly search: MessageSearch;
  readonly joinRequests: JoinRequests;
  readonly prefs: PrefsService;
  /** Schools' retention policies (the job: retention.ts, started by feature.ts). */
  readonly retention: RetentionStore;
  /** A chat's own auto-deletion, set by its admins (chatRetention.ts). */
  readonly chatRetention: ChatRetention;
  readonly bus: ChatBus;
  /** What one person may make or send (rooms, reactions, uploads), counted on every host. */
  readonly perPerson: PersonLimits;
  /** Bots of the school's systems: their API's rules and their webhooks. */
  readonly bots: BotService;

  constructor(
    readonly db: Postgres,
    readonly redis: Redis,
    sub: Redis,
    readonly config: MessagingConfig,
    publish: (topic: string, bytes: Uint8Array) => void,
    readonly metrics: ChatMetrics,
    readonly log: Logger,
    /** Limits shared by every host (searches, reactions, uploads). */
    readonly limits: SharedLimits,
    /** Where the uploads' bytes are kept (a directory, or a bucket all hosts share). */
    readonly storage: FileStorage,
  ) {
    this.bus = new ChatBus(redis, log);
    this.chatStore = new ChatStore(db, this.bus);
    this.messageStore = new MessageStore(db, this.bus);
    this.chats = new ChatService(this.chatStore, this.messageStore, config);
    this.files = new FileRecords(db, storage, config.uploadDir, log);
    this.messageStore.filesReleased = (ids) => this.files.released(ids);
    this.messages = new MessageService(this.chats, this.chatStore, this.messageStore, config, this.files);
    this.perPerson = new PersonLimits(limits, config.perPerson, config.unsentUploadMs);
    this.marks = new MessageMarks(this.chats, this.chatStore, this.messages, this.perPerson);
    this.feed = new ChatFeed(sub, publish, this.chatStore, this.messageStore, this.chats, metrics, log);
    this.resume = new Resume(this.feed, this.chats, this.messages, this.messageStore);
    this.joinRequests = new JoinRequests(db, this.chats, this.chatStore);
    this.prefs = new PrefsService(db, this.chats, this.chatStore);
    this.channels = new ChannelService(db, this.chats, this.chatStore, this.joinRequests);
    this.invites = new InviteService(db, this.chats, this.chatStore, this.joinRequests);
    this.scheduled = new ScheduledPosts(db, this.chats, this.messageStore, config, log);
    this.search = new MessageSearch(this.chats, this.chatStore, db, limits);
    this.retention = new RetentionStore(db);
    this.chatRetention = new ChatRetention(this.chats, this.chatStore, this.retention);
    this.bots = new BotService(
      db,
      redis,
      this.chats,
      this.chatStore,
      this.messageStore,
      limits,
      config.bots,
      metrics,
      log,
      config.maxMessageChars,
    );
    this.feed.listen((e) => this.bots.onEvent(e));
  }

  /** Whether the store answers and this host hears its events right now. */
  get available(): boolean {
    return this.redis.status === 'ready' && this.feed.listening;
  }

  /**
   * Refuses "try again" at once while the bus is known to be away: without it
   * nobody would see a change live, and nothing should wait for a timeout.
   * Every chat endpoint (the /chat socket, the call's lesson chat) asks this
   * before doing anything.
   */
  requireAvailable(): void {
    if (!this.available) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_UNAVAILABLE,
        'the messenger is unavailable; try again soon',
      );
    }
  }
}
