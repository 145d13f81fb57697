import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '#domain/models.js';
import { CurrentCaller, Roles } from '../common/auth.js';
import { CreateWebhookDto, ListWebhookDeliveriesQuery, RotateSecretDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import { webhookDeliveryView, webhookView } from './webhook.view.js';
import { WebhookSchemas } from './webhooks.openapi.js';
import { WebhooksService } from './webhooks.service.js';
import type { WebhookEndpointRow } from './webhooks.repository.js';

/** Webhook endpoints hold a signing secret: admins only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  private async view(e: WebhookEndpointRow) {
    return webhookView(e, (await this.service.counts([e.id])).get(e.id));
  }

  @ApiOperation({ summary: 'Add an endpoint for signed events (Standard Webhooks); the secret is shown this once' })
  @ApiCreatedResponse({ schema: WebhookSchemas.withSecret })
  @Post()
  async create(@CurrentCaller() caller: Caller, @Body() body: CreateWebhookDto) {
    const { endpoint, secret } = await this.service.create(caller, body);
    return { ...(await this.view(endpoint)), secret };
  }

  @ApiOperation({ summary: 'The organisation\'s webhook endpoints' })
  @ApiOkResponse({ schema: WebhookSchemas.endpoints })
  @Get()
  async list(@CurrentCaller() caller: Caller) {
    const endpoints = await this.service.list(caller);
    const counts = await this.service.counts(endpoints.map((e) => e.id));
    return endpoints.map((e) => webhookView(e, counts.get(e.id)));
  }

  @ApiOperation({ summary: 'One webhook endpoint, with why it was disabled if it was' })
  @ApiOkResponse({ schema: WebhookSchemas.endpoint })
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string) {
    return this.view(await this.service.get(caller, id));
  }

  @ApiOperation({ summary: 'Change an endpoint, or enable/disable it' })
  @ApiOkResponse({ schema: WebhookSchemas.endpoint })
  @Patch(':id')
  async update(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.view(await this.service.update(caller, id, body));
  }

  @ApiOperation({ summary: 'Rotate the signing secret: the new one is shown this once, the old one signs too until the overlap ends' })
  @ApiOkResponse({ schema: WebhookSchemas.withSecret })
  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotate(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() body: RotateSecretDto) {
    const { endpoint, secret } = await this.service.rotate(caller, id, body.overlapSeconds);
    return { ...(await this.view(endpoint)), secret };
  }

  @ApiOperation({ summary: 'The endpoint\'s delivery log, latest first: state, attempts, last status and error' })
  @ApiOkResponse({ schema: WebhookSchemas.deliveries })
  @Get(':id/deliveries')
  async deliveries(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Query() query: ListWebhookDeliveriesQuery) {
    return (await this.service.deliveries(caller, id, query.limit ?? 50)).map(webhookDeliveryView);
  }

  @ApiOperation({ summary: 'Remove an endpoint (its waiting events are not sent)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.service.remove(caller, id);
  }
}
