import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AccountRecord, Caller } from '#domain/models.js';
import { renderPost, templateProblem } from '#feeds/template.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { invalid, type FieldError } from '../common/errors.js';
import { checkedOutboundUrl } from '../common/outbound-url.js';
import type { AccountTemplateDto, CreateFeedDto, UpdateFeedDto } from './dto/feed.dto.js';
import { FeedsRepository, type FeedItemRow, type FeedRow, type FeedSettings } from './feeds.repository.js';

const DEFAULT_TEMPLATE = '{title} {url}';
// What a template must leave room for: a typical URL and a word of title.
const SAMPLE = { title: 'Titre', url: `https://example.org/${'a'.repeat(40)}`, summary: '', feed: 'Feed' };

@Injectable()
export class FeedsService {
  constructor(
    private readonly feeds: FeedsRepository,
    private readonly accounts: AccountsRepository,
    private readonly networks: NetworkRegistry,
    private readonly outbound: OutboundHttp,
  ) {}

  async create(caller: Caller, dto: CreateFeedDto): Promise<FeedRow> {
    const url = await checkedOutboundUrl(this.outbound, dto.url, 'url');
    const targets = await this.targets(caller, dto.accountIds);
    const template = dto.template ?? DEFAULT_TEMPLATE;
    const templates = this.accountTemplates(dto.accountTemplates ?? [], dto.accountIds);
    this.checkTemplates(template, templates, targets);
    const created = await this.feeds.create(
      caller.organisationId,
      caller.memberId,
      { url, backCatalogue: dto.backCatalogue ?? false, ...this.settings(dto) },
      dto.accountIds.map((accountId) => ({ accountId, template: templates.get(accountId) ?? null })),
    );
    if (created === 'exists') throw new ConflictException(`Your organisation already follows ${url}: change that feed instead`);
    return created;
  }

  list(caller: Caller): Promise<FeedRow[]> {
    return this.feeds.list(caller.organisationId);
  }

  async get(caller: Caller, id: string): Promise<FeedRow> {
    const feed = await this.feeds.find(caller.organisationId, id);
    if (!feed) throw new NotFoundException(`No feed ${id} in your organisation`);
    return feed;
  }

  async update(caller: Caller, id: string, dto: UpdateFeedDto): Promise<FeedRow> {
    const current = await this.get(caller, id);
    const accountIds = dto.accountIds ?? current.accounts.map((a) => a.accountId);
    const targets = await this.targets(caller, accountIds);
    const templates = this.accountTemplates(dto.accountTemplates ?? [], accountIds);
    const merged = new Map(current.accounts.filter((a) => a.template !== null).map((a) => [a.accountId, a.template!]));
    for (const [k, v] of templates) merged.set(k, v);
    this.checkTemplates(dto.template ?? current.template, merged, targets);
    const accounts = dto.accountIds?.map((accountId) => ({ accountId, template: templates.get(accountId) ?? null }));
    const updated = await this.feeds.update(caller.organisationId, id, { ...this.settings(dto), ...(dto.paused !== undefined ? { paused: dto.paused } : {}) }, accounts, templates);
    if (!updated) throw new NotFoundException(`No feed ${id} in your organisation`);
    return updated;
  }

  async pollNow(caller: Caller, id: string): Promise<FeedRow> {
    const feed = await this.feeds.pollNow(caller.organisationId, id, new Date());
    if (!feed) throw new NotFoundException(`No feed ${id} in your organisation`);
    return feed;
  }

  async remove(caller: Caller, id: string): Promise<void> {
    if (!(await this.feeds.remove(caller.organisationId, id))) throw new NotFoundException(`No feed ${id} in your organisation`);
  }

  async items(caller: Caller, id: string, limit: number): Promise<FeedItemRow[]> {
    await this.get(caller, id);
    return this.feeds.items(id, limit);
  }

  private settings(dto: CreateFeedDto | UpdateFeedDto): FeedSettings {
    return {
      ...(dto.template !== undefined ? { template: dto.template } : {}),
      ...(dto.strikePolicy !== undefined ? { strikePolicy: dto.strikePolicy } : {}),
      ...(dto.delaySeconds !== undefined ? { delaySeconds: dto.delaySeconds } : {}),
      ...(dto.spacingSeconds !== undefined ? { spacingSeconds: dto.spacingSeconds } : {}),
    };
  }

  private async targets(caller: Caller, ids: string[]): Promise<AccountRecord[]> {
    const found = await this.accounts.findMany(caller.organisationId, ids);
    const byId = new Map(found.map((a) => [a.id, a]));
    const errors: FieldError[] = ids.flatMap((id, i) => (byId.has(id) ? [] : [{ field: `accountIds.${i}`, message: `is not an account of your organisation (${id})` }]));
    if (errors.length) throw invalid(errors);
    return ids.map((id) => byId.get(id)!);
  }

  private accountTemplates(list: AccountTemplateDto[], accountIds: string[]): Map<string, string> {
    const errors: FieldError[] = list.flatMap((t, i) =>
      accountIds.includes(t.accountId) ? [] : [{ field: `accountTemplates.${i}.accountId`, message: `is not one of the feed's accounts (${t.accountId})` }],
    );
    if (errors.length) throw invalid(errors);
    return new Map(list.map((t) => [t.accountId, t.template]));
  }

  /** Known placeholders, a sane size, and room on every account for a URL and a word of title. */
  private checkTemplates(template: string, perAccount: Map<string, string>, targets: AccountRecord[]): void {
    const errors: FieldError[] = [];
    const problem = templateProblem(template);
    if (problem) errors.push({ field: 'template', message: problem });
    for (const account of targets) {
      const own = perAccount.get(account.id);
      const field = own !== undefined ? `accountTemplates.${account.id}` : 'template';
      const t = own ?? template;
      if (own !== undefined) {
        const p = templateProblem(own);
        if (p) {
          errors.push({ field, message: p });
          continue;
        }
      } else if (problem) continue;
      const adapter = this.networks.get(account.network);
      const text = renderPost(t, SAMPLE, (s) => adapter.postLength(s, null, account), account.maxCharacters);
      if (text === null) errors.push({ field, message: `leaves no room for a title and a link on ${account.handle} (${account.maxCharacters} characters)` });
    }
    if (errors.length) throw invalid(errors);
  }
}
