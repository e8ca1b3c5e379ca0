import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { ApiCursorPage, isInteger, nextCursor, pageQuery } from '../http/cursor-page';
import { integerQuery } from '../http/query-params';
import { ApiOkRepresentations } from '../openapi/api-ok-representations.decorator';
import { LifecycleService } from './lifecycle.service';
import { OperationEventListView, OperationView, toEventView, toOperationView } from './operation.views';

const ENDED = new Set(['Succeeded', 'Failed', 'Superseded']);

@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get an operation with its steps' })
  @ApiOkResponse({ type: OperationView })
  @ApiNotFoundResponse({ description: 'Unknown operation' })
  async get(@Param('id') id: string): Promise<OperationView> {
    return toOperationView(await this.lifecycle.operation(id));
  }

  @Get(':id/events')
  @ApiOperation({ summary: "List an operation's events, or follow them live (text/event-stream)" })
  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only events with a greater seq' })
  @ApiCursorPage({ defaultLimit: 1000, maxLimit: 1000 })
  @ApiOkRepresentations(
    'JSON, or with Accept: text/event-stream a live stream (`event: <level>`, `id: <seq>`, JSON data) that ends with `event: end` carrying the final Operation',
    { 'application/json': OperationEventListView, 'text/event-stream': String },
  )
  @ApiNotFoundResponse({ description: 'Unknown operation' })
  async events(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OperationEventListView | undefined> {
    await this.lifecycle.operation(id);
    const page = pageQuery(query, { defaultLimit: 1000, maxLimit: 1000, accept: isInteger });
    let after = Math.max(
      integerQuery('after', query.after, { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
      page.after ?? 0,
    );
    if (!accept?.includes('text/event-stream')) {
      const events = await this.lifecycle.events(id, after, page.limit + 1);
      const next = nextCursor(events, page.limit, (e) => Number(e.seq));
      return { items: events.slice(0, page.limit).map(toEventView), ...(next ? { next } : {}) };
    }
    if (lastEventId && /^\d{1,15}$/.test(lastEventId)) after = Math.max(after, Number(lastEventId));
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    let closed = false;
    response.on('close', () => (closed = true)); // the client went away (or the stream ended)
    const pollMs = this.config.lifecycle?.streamPollMs ?? 200;
    // Polls the database (not an in-process bus), so it follows an operation whichever process runs it.
    while (!closed) {
      const operation = await this.lifecycle.operation(id);
      const events = await this.lifecycle.events(id, after);
      for (const event of events) {
        after = Number(event.seq);
        response.write(`id: ${after}\nevent: ${event.level}\ndata: ${JSON.stringify(toEventView(event))}\n\n`);
      }
      if (ENDED.has(operation.state) && events.length === 0) {
        response.write(`event: end\ndata: ${JSON.stringify(toOperationView(operation))}\n\n`);
        break;
      }
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    response.end();
    return undefined;
  }
}
