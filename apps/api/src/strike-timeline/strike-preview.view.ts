import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FEATURES } from '#networks/network-adapter.js';
import { HELD_POLICIES, STRIKE_STATES } from '#strikes/domain/strike.js';
import { strikeSiteSchemas } from '../sites/strike-sites.view.js';

/**
 * The shape of a strike preview, for the OpenAPI document (the web app's types are generated from
 * it). The service builds plain objects of this shape.
 */
class PreviewWindowView {
  @ApiProperty({ type: String, format: 'date-time', description: 'When the window takes effect (the start, or now if it has passed)' })
  from!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  until!: Date;
}

class PreviewAccountView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  handle!: string;

  @ApiProperty({ enum: ['mastodon', 'x', 'bluesky'] })
  network!: string;

  @ApiProperty({
    type: () => [FeatureGapView],
    nullable: true,
    description: "Strike features this account's server lacks, as last checked (null: never checked); the strike leaves each out and goes on with the others",
  })
  featureGaps!: FeatureGapView[] | null;
}

class FeatureGapView {
  @ApiProperty({ enum: FEATURES })
  feature!: string;

  @ApiProperty({ description: 'What the server answered when asked' })
  detail!: string;
}

class PreviewCountsView {
  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'string', example: '5000+' }],
    description: 'Ordinary posts the strike would hold; past 5000, the string "5000+"',
  })
  held!: number | string;

  @ApiProperty({ description: 'Strike posts: opening, rotation slots and closing, over every account' })
  strikePosts!: number;

  @ApiProperty({ description: 'Held posts that come back after the end (resume or shift)' })
  returns!: number;

  @ApiProperty({ description: 'Held posts cancelled at the end (drop)' })
  dropped!: number;

  @ApiProperty({ description: 'Held posts left for a person to decide (review)' })
  review!: number;

  @ApiProperty({ description: 'Profile steps: one occupation at the start and one restoration at the end per account' })
  profileChanges!: number;
}

class ValueChangeView {
  @ApiPropertyOptional({ nullable: true, type: String })
  from?: string | null;

  @ApiProperty()
  to!: string;
}

class ProfileChangesView {
  @ApiProperty({ type: ValueChangeView, nullable: true })
  displayName!: ValueChangeView | null;

  @ApiProperty({ type: ValueChangeView, nullable: true })
  bio!: ValueChangeView | null;

  @ApiProperty({ type: ValueChangeView, nullable: true, description: 'to: a media id' })
  avatar!: ValueChangeView | null;

  @ApiProperty({ type: ValueChangeView, nullable: true, description: 'to: a media id' })
  header!: ValueChangeView | null;

  @ApiProperty()
  pinOpening!: boolean;
}

class PreviewProfileView {
  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiProperty()
  handle!: string;

  @ApiProperty({ type: ProfileChangesView })
  changes!: ProfileChangesView;
}

export const TIMELINE_KINDS = ['strike-post', 'published-before', 'hold', 'held-post-returns', 'held-post-dropped', 'held-post-review', 'profile'] as const;

class TimelineEventView {
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;

  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiProperty()
  handle!: string;

  @ApiProperty({ enum: TIMELINE_KINDS })
  kind!: (typeof TIMELINE_KINDS)[number];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'strike-post: role (opening, slot, closing), text; hold: deliveryId, postId, text; ' +
      'published-before: deliveryId, postId, text (due before the window: published before it, not held); held-post-*: deliveryId, fate; ' +
      'profile: action (occupy with changes, restore with fields)',
  })
  detail!: Record<string, unknown>;
}

export class StrikePreviewView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for a strike not saved yet' })
  strikeId!: string | null;

  @ApiProperty({ enum: [...STRIKE_STATES, 'draft'], description: 'draft: a strike not saved yet' })
  state!: string;

  @ApiProperty({ type: PreviewWindowView })
  window!: PreviewWindowView;

  @ApiProperty({ enum: HELD_POLICIES })
  heldPolicy!: string;

  @ApiProperty({ type: [PreviewAccountView] })
  accounts!: PreviewAccountView[];

  @ApiProperty({ type: PreviewCountsView })
  counts!: PreviewCountsView;

  @ApiProperty({ type: [PreviewProfileView] })
  profiles!: PreviewProfileView[];

  @ApiProperty()
  nativeScheduled!: string;

  @ApiProperty({ type: [TimelineEventView], description: 'In time order' })
  timeline!: TimelineEventView[];
}

/** The preview as the API answers it: the timeline, and the websites in scope with their form and window. */
export class StrikePreviewWithSitesView extends StrikePreviewView {
  @ApiProperty({ ...strikeSiteSchemas.preview, description: 'Websites in scope: the form the strike takes on each, over the window' } as never)
  sites!: unknown[];
}
