import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HostAndOriginMiddleware } from './host-and-origin.middleware';
import { RouteContractGuard } from './route-contract.guard';

/**
 * What every request is held to before a route sees it: an allowed Host and Origin (every path, also unknown ones),
 * and the query parameters and body media types its route declares.
 */
@Module({
  providers: [{ provide: APP_GUARD, useClass: RouteContractGuard }, HostAndOriginMiddleware],
})
export class HttpPolicyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HostAndOriginMiddleware).forRoutes('*path');
  }
}
