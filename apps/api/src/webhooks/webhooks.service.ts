import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { SecretBox } from '#crypto/secret-box.js';
import type { Caller } from '#domain/models.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import { newWebhookSecret, webhookSecretContext } from '#webhooks/rules.js';
import { checkedOutboundUrl } from '../common/outbound-url.js';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import { WebhooksRepository, type WebhookDeliveryRow, type WebhookEndpointRow } from './webhooks.repository.js';

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WebhooksRepository,
    private readonly box: SecretBox,
    private readonly outbound: OutboundHttp,
  ) {}

  /** The secret is returned this once; only its sealed form is kept. */
  async create(caller: Caller, dto: CreateWebhookDto): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const url = await checkedOutboundUrl(this.outbound, dto.url, 'url');
    const id = randomUUID();
    const secret = newWebhookSecret(randomBytes(32));
    const endpoint = await this.repo.create(id, caller.organisationId, caller.memberId, {
      url,
      description: dto.description?.trim() || null,
      eventTypes: dto.eventTypes ?? [],
      secretCiphertext: this.box.seal(secret, webhookSecretContext(id)),
    });
    return { endpoint, secret };
  }

  list(caller: Caller): Promise<WebhookEndpointRow[]> {
    return this.repo.list(caller.organisationId);
  }

  async get(caller: Caller, id: string): Promise<WebhookEndpointRow> {
    const endpoint = await this.repo.find(caller.organisationId, id);
    if (!endpoint) throw new NotFoundException(`No webhook endpoint ${id} in your organisation`);
    return endpoint;
  }

  async update(caller: Caller, id: string, dto: UpdateWebhookDto): Promise<WebhookEndpointRow> {
    await this.get(caller, id);
    const changes = {
      ...(dto.url !== undefined ? { url: await checkedOutboundUrl(this.outbound, dto.url, 'url') } : {}),
      ...(dto.description !== undefined ? { description: dto.description.trim() || null } : {}),
      ...(dto.eventTypes !== undefined ? { eventTypes: dto.eventTypes } : {}),
    } as { url?: string; description?: string; eventTypes?: string[] };
    const updated = await this.repo.update(caller.organisationId, id, changes, dto.enabled, new Date());
    if (!updated) throw new NotFoundException(`No webhook endpoint ${id} in your organisation`);
    return updated;
  }

  /** A new secret, shown once; the old one still signs (a second signature) for the overlap. */
  async rotate(caller: Caller, id: string, overlapSeconds: number | undefined): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const current = await this.get(caller, id);
    const secret = newWebhookSecret(randomBytes(32));
    const overlapMs = overlapSeconds !== undefined ? overlapSeconds * 1000 : this.config.webhooks.secretOverlapMs;
    const endpoint = await this.repo.rotate(
      caller.organisationId,
      id,
      this.box.seal(secret, webhookSecretContext(id)),
      current.secretCiphertext,
      new Date(Date.now() + overlapMs),
    );
    return { endpoint, secret };
  }

  async remove(caller: Caller, id: string): Promise<void> {
    if (!(await this.repo.remove(caller.organisationId, id))) throw new NotFoundException(`No webhook endpoint ${id} in your organisation`);
  }

  async deliveries(caller: Caller, id: string, limit: number): Promise<WebhookDeliveryRow[]> {
    await this.get(caller, id);
    return this.repo.deliveries(id, limit);
  }

  counts(ids: string[]): Promise<Map<string, Record<string, number>>> {
    return this.repo.counts(ids);
  }
}
