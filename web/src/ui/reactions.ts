// Reactions as icons (the same on every machine) with their names in t('reaction.N').
import { Brain, FaceGrinning, Heart, PartyPopper, Sparkles, ThumbsUp } from '../kit/icons.js';

export const REACTION_ICONS = {
  1: ThumbsUp,
  2: PartyPopper,
  3: FaceGrinning,
  4: Sparkles,
  5: Heart,
  6: Brain,
} as const;

export type ReactionId = keyof typeof REACTION_ICONS;
