// Funnels several ffmpeg RTP senders through one UDP source address, so they
// can feed one comedia plain transport (which locks onto the first sender's
// address): the three layers of a simulcast camera arrive as one browser
// would send them, on one transport. RTP and RTCP have a socket each.
import { type Socket, createSocket } from 'node:dgram';

export class UdpRelay {
  private readonly sockets: Socket[] = [];

  private constructor(
    readonly rtpPort: number,
    readonly rtcpPort: number,
  ) {}

  /** Forwards what arrives at rtpPort / rtcpPort to the given local ports. */
  static async start(toRtpPort: number, toRtcpPort: number): Promise<UdpRelay> {
    const bind = async (to: number): Promise<Socket> => {
      const s = createSocket({ type: 'udp4', recvBufferSize: 1024 * 1024 });
      s.on('message', (msg) => s.send(msg, to, '127.0.0.1'));
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
      return s;
    };
    const rtp = await bind(toRtpPort);
    const rtcp = await bind(toRtcpPort);
    const relay = new UdpRelay(rtp.address().port, rtcp.address().port);
    relay.sockets.push(rtp, rtcp);
    return relay;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}
