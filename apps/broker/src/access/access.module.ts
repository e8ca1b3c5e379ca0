import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AccessGuard } from './access.guard';
import { AccessRequestBody } from './access-resource.routes';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { Authenticator } from './authenticator';
import { CredentialCache } from './credential-cache';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { RequestActorMiddleware } from './request-actor';
import { RoleBindingsController } from './role-bindings.controller';
import { RoleBindingsService } from './role-bindings.service';
import { TokensController } from './tokens.controller';
import { WhoamiController } from './whoami.controller';
import { TokensService } from './tokens.service';

/** Who may do what: tokens, role bindings, the guard every route passes, and the audit trail. */
@Module({
  controllers: [TokensController, RoleBindingsController, AuditController, WhoamiController],
  providers: [
    AccessRequestBody,
    TokensService,
    RoleBindingsService,
    AuditService,
    Authenticator,
    CredentialCache,
    BootstrapAdminService,
    ThrottlerStorageService,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [TokensService, RoleBindingsService, AuditService],
})
export class AccessModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestActorMiddleware).forRoutes('*path');
  }
}
