// Time-limited TURN credentials (the "TURN REST API" coturn implements with
// use-auth-secret): the username is `expiry:userId` (expiry in Unix
// seconds), the password base64(HMAC-SHA1(secret, username)). coturn checks
// both with the secret alone; nothing is stored, and a leaked credential
// stops working when it expires.
import { createHmac } from 'node:crypto';

export interface TurnConfig {
  /** turn: and turns: URIs, as browsers take them. */
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

export interface IceServerCredentials {
  urls: string[];
  username: string;
  credential: string;
}

export function turnCredentials(turn: TurnConfig, userId: string, now = Date.now()): IceServerCredentials {
  const expiry = Math.floor(now / 1000) + turn.ttlSeconds;
  // coturn reads the expiry up to the first colon; keep the user id free of them.
  const username = `${expiry}:${userId.replace(/:/g, '_')}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}
