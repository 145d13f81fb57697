import { Injectable } from '@nestjs/common';
import type { AccountRecord, Caller } from '#domain/models.js';
import { MAX_STRIKE_DAYS, messageText, type ProfileChanges, type StrikeMessage, type StrikeMessages, type StrikeSpec } from '#strikes/domain/strike.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { occupiedDisplayName } from '#strikes/domain/planner.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { invalid, type FieldError } from '../common/errors.js';
import { MediaRepository } from '../media/media.repository.js';
import type { StrikeMessageDto, StrikeProfileDto, UpdateStrikeDto } from './dto/strike.dto.js';

/** Mastodon refuses a longer display name. */
export const MASTODON_DISPLAY_NAME_MAX = 30;

const DAY_MS = 86_400_000;
const DEFAULTS = { heldPolicy: 'resume', resumeSpacingSeconds: 300, occupationSpacingSeconds: 900 } as const;
const NO_MESSAGES: StrikeMessages = { opening: null, rotation: [], closing: null };

/** Creation and edit bodies share their fields; creation requires some (checked by the DTO). */
export type StrikeInput = UpdateStrikeDto;

/**
 * Turns a request into a complete strike spec, checked against the window rules, the scope and
 * every target account's limits. Throws one 400 naming every field at fault; writes nothing.
 */
@Injectable()
export class StrikeSpecBuilder {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly media: MediaRepository,
    private readonly networks: NetworkRegistry,
  ) {}

  /** `current` is the strike being edited (null for a new proposal): fields left out keep its values. */
  async build(caller: Caller, input: StrikeInput, current: StrikeSpec | null, now: Date): Promise<StrikeSpec> {
    const errors: FieldError[] = [];
    const window = this.window(input, current, now, errors);
    const scope = this.scope(input, current, errors);
    const mode = input.mode ?? current?.mode ?? 'silence';
    const messages = this.messages(input, current, mode, errors);
    const profile = this.profile(input, current, mode, errors);
    if (errors.length || !window || !scope) throw invalid(errors);

    const spec: StrikeSpec = {
      title: input.title ?? current!.title,
      reason: input.reason ?? current!.reason,
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      allAccounts: scope.allAccounts,
      accountIds: scope.accountIds,
      mode,
      heldPolicy: input.heldPolicy ?? current?.heldPolicy ?? DEFAULTS.heldPolicy,
      resumeSpacingSeconds: input.resumeSpacingSeconds ?? current?.resumeSpacingSeconds ?? DEFAULTS.resumeSpacingSeconds,
      occupationSpacingSeconds: input.occupationSpacingSeconds ?? current?.occupationSpacingSeconds ?? DEFAULTS.occupationSpacingSeconds,
      messages,
      profile,
    };

    const targets = await this.targets(caller, spec, errors);
    errors.push(...(await this.mediaErrors(caller, spec)));
    errors.push(...this.fitErrors(spec, targets));
    if (errors.length) throw invalid(errors);
    return spec;
  }

  private window(input: StrikeInput, current: StrikeSpec | null, now: Date, errors: FieldError[]): { startsAt: Date; endsAt: Date } | null {
    const startsAt = input.startsAt !== undefined ? new Date(input.startsAt) : current?.startsAt;
    const endsAt = input.endsAt !== undefined ? new Date(input.endsAt) : current?.endsAt;
    if (!startsAt || !endsAt) return null;
    const before = errors.length;
    // A start already passed is fine for a strike proposed earlier (it takes effect when decided),
    // but a new start must be ahead of us.
    if (input.startsAt !== undefined && startsAt <= now) {
      errors.push({ field: 'startsAt', message: `is in the past (${input.startsAt}); give a future start` });
    }
    if (endsAt <= startsAt) {
      errors.push({ field: 'endsAt', message: `must be after startsAt (${startsAt.toISOString()})` });
    } else if (endsAt <= now) {
      errors.push({ field: 'endsAt', message: `is in the past (${endsAt.toISOString()}): this window is already over` });
    } else if (endsAt.getTime() - startsAt.getTime() > MAX_STRIKE_DAYS * DAY_MS) {
      const days = ((endsAt.getTime() - startsAt.getTime()) / DAY_MS).toFixed(1);
      errors.push({ field: 'endsAt', message: `makes the strike last ${days} days; a strike lasts at most ${MAX_STRIKE_DAYS} days` });
    }
    return errors.length === before ? { startsAt, endsAt } : null;
  }

  private scope(input: StrikeInput, current: StrikeSpec | null, errors: FieldError[]): { allAccounts: boolean; accountIds: string[] } | null {
    const listed = input.accountIds !== undefined;
    if (input.allAccounts === true && listed) {
      errors.push({ field: 'allAccounts', message: 'give either accountIds or allAccounts: true, not both' });
      return null;
    }
    if (input.allAccounts === false && !listed) {
      errors.push({ field: 'allAccounts', message: 'false names no account: send accountIds to choose the accounts on strike' });
      return null;
    }
    if (input.allAccounts === true) return { allAccounts: true, accountIds: [] };
    if (listed) return { allAccounts: false, accountIds: input.accountIds! };
    if (current) return { allAccounts: current.allAccounts, accountIds: current.accountIds };
    errors.push({ field: 'accountIds', message: 'is required: give the accounts on strike, or allAccounts: true' });
    return null;
  }

  private messages(input: StrikeInput, current: StrikeSpec | null, mode: StrikeSpec['mode'], errors: FieldError[]): StrikeMessages {
    if (mode === 'silence') {
      // The worker publishes nothing for a silent strike: accepting messages would promise posts that never come.
      for (const key of ['opening', 'rotation', 'closing'] as const) {
        if (input.messages?.[key] !== undefined) {
          errors.push({ field: `messages.${key}`, message: 'messages are only published in occupation mode' });
        }
      }
      return NO_MESSAGES;
    }
    if (input.messages === undefined) {
      const kept = current?.mode === 'occupation' ? current.messages : NO_MESSAGES;
      if (!kept.opening) errors.push(openingRequired());
      return kept;
    }
    const opening = input.messages.opening ? toMessage(input.messages.opening) : null;
    if (!opening) errors.push(openingRequired());
    return {
      opening,
      rotation: input.messages.rotation ? input.messages.rotation.map(toMessage) : opening ? [opening] : [],
      closing: input.messages.closing ? toMessage(input.messages.closing) : null,
    };
  }

  private profile(input: StrikeInput, current: StrikeSpec | null, mode: StrikeSpec['mode'], errors: FieldError[]): ProfileChanges | null {
    if (input.profile === undefined) return mode === 'occupation' ? (current?.profile ?? null) : null;
    const profile = input.profile ? toProfile(input.profile) : null;
    if (profile && mode !== 'occupation') {
      errors.push({ field: 'profile', message: 'the profile is only occupied in occupation mode' });
    }
    return profile;
  }

  /** The accounts the spec covers; unknown or disconnected ids are errors naming their position. */
  private async targets(caller: Caller, spec: StrikeSpec, errors: FieldError[]): Promise<AccountRecord[]> {
    if (spec.allAccounts) return this.accounts.list(caller.organisationId);
    const found = await this.accounts.findMany(caller.organisationId, spec.accountIds);
    const byId = new Map(found.map((a) => [a.id, a]));
    spec.accountIds.forEach((id, i) => {
      if (!byId.has(id)) errors.push({ field: `accountIds.${i}`, message: `is not an account of your organisation (${id})` });
    });
    return found;
  }

  private async mediaErrors(caller: Caller, spec: StrikeSpec): Promise<FieldError[]> {
    const refs: { field: string; mediaId: string }[] = [];
    for (const { field, message } of messageFields(spec.messages)) {
      message.media.forEach((m, i) => refs.push({ field: `${field}.media.${i}.mediaId`, mediaId: m.mediaId }));
    }
    if (spec.profile?.avatarMediaId) refs.push({ field: 'profile.avatarMediaId', mediaId: spec.profile.avatarMediaId });
    if (spec.profile?.headerMediaId) refs.push({ field: 'profile.headerMediaId', mediaId: spec.profile.headerMediaId });
    if (refs.length === 0) return [];
    const known = await this.media.existing(caller.organisationId, [...new Set(refs.map((r) => r.mediaId))]);
    return refs.flatMap((r) =>
      known.has(r.mediaId) ? [] : [{ field: r.field, message: `is not an image uploaded by your organisation (${r.mediaId})` }],
    );
  }

  /** Every message and the occupied display name must fit every target account, as its network counts. */
  private fitErrors(spec: StrikeSpec, targets: AccountRecord[]): FieldError[] {
    const errors: FieldError[] = [];
    const fields = messageFields(spec.messages);
    for (const account of targets) {
      const network = this.networks.get(account.network);
      for (const { field, message } of fields) {
        const own = message.perNetwork?.[account.network];
        const length = network.postLength(messageText(message, account.network), message.contentWarning, account);
        if (length > account.maxCharacters) {
          errors.push({
            field: own !== undefined ? `${field}.perNetwork.${account.network}` : `${field}.text`,
            message:
              `is ${length} characters long (content warning included, counted as ${account.network} counts) ` +
              `but ${account.handle} allows at most ${account.maxCharacters}` +
              (own === undefined ? `; give a shorter perNetwork.${account.network} text` : ''),
          });
        }
        if (message.media.length > account.maxMedia) {
          errors.push({ field: `${field}.media`, message: `holds ${message.media.length} images but ${account.handle} allows at most ${account.maxMedia}` });
        }
      }
      const { displayNamePrefix: prefix, displayNameSuffix: suffix } = spec.profile ?? {};
      if (account.network === 'mastodon' && (prefix || suffix)) {
        const name = occupiedDisplayName(account.displayName, prefix ?? null, suffix ?? null);
        const length = [...name].length;
        if (length > MASTODON_DISPLAY_NAME_MAX) {
          errors.push({
            field: prefix ? 'profile.displayNamePrefix' : 'profile.displayNameSuffix',
            message: `would make ${account.handle}'s display name "${name}" ${length} characters long; Mastodon allows at most ${MASTODON_DISPLAY_NAME_MAX}`,
          });
        }
      }
    }
    return errors;
  }
}

const openingRequired = (): FieldError => ({
  field: 'messages.opening',
  message: 'is required in occupation mode: it is published on every account when the strike starts',
});

function toMessage(dto: StrikeMessageDto): StrikeMessage {
  const perNetwork = dto.perNetwork
    ? Object.fromEntries(Object.entries(dto.perNetwork).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
  return {
    text: dto.text,
    contentWarning: dto.contentWarning || null,
    media: (dto.media ?? []).map((m) => ({ mediaId: m.mediaId, altText: m.altText })),
    ...(perNetwork && Object.keys(perNetwork).length > 0 ? { perNetwork } : {}),
  };
}

function toProfile(dto: StrikeProfileDto): ProfileChanges | null {
  const profile: ProfileChanges = {
    displayNamePrefix: dto.displayNamePrefix ?? null,
    displayNameSuffix: dto.displayNameSuffix ?? null,
    bio: dto.bio ?? null,
    avatarMediaId: dto.avatarMediaId ?? null,
    headerMediaId: dto.headerMediaId ?? null,
    pinOpening: dto.pinOpening ?? false,
  };
  // An empty profile object changes nothing: store it as no profile occupation at all.
  return Object.values(profile).some((v) => v !== null && v !== false) ? profile : null;
}

/**
 * Each message with the request field it came from, e.g. messages.rotation.1. A rotation entry equal
 * to the opening (the default rotation) is checked once, under messages.opening.
 */
function messageFields(messages: StrikeMessages): { field: string; message: StrikeMessage }[] {
  const opening = messages.opening ? JSON.stringify(messages.opening) : null;
  return [
    ...(messages.opening ? [{ field: 'messages.opening', message: messages.opening }] : []),
    ...messages.rotation.flatMap((message, i) => (JSON.stringify(message) === opening ? [] : [{ field: `messages.rotation.${i}`, message }])),
    ...(messages.closing ? [{ field: 'messages.closing', message: messages.closing }] : []),
  ];
}
