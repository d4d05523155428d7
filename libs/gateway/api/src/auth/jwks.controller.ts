import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, Public } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Response } from 'express';
import { RpcFailureFilter } from '../common/rpc-failure.filter';

/** /.well-known/jwks.json — identity's public signing keys, for verifiers outside Ferry's NATS. */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('.well-known')
export class JwksController {
  constructor(private readonly messaging: MessagingClient) {}

  @Public()
  @Get('jwks.json')
  async jwks(@Res({ passthrough: true }) res: Response) {
    const r = await this.messaging.request(Rpc.identity.jwks, {});
    res.setHeader('cache-control', 'public, max-age=300');
    return JSON.parse(r.jwksJson) as unknown;
  }
}
