// The protocol's generated message types under the short names the browser
// uses: `pb` for the call (signaling.proto and its imports), `cpb` for the
// messenger and chats (messaging.proto).
import { schoolcall } from '../../../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;
import cpb = schoolcall.chat.v1;

export { cpb, pb };
