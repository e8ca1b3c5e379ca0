import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { toProblem } from '../http/problem.filter';
import type { IdentifiedRequest } from './access.guard';
import { AuditService } from './audit.service';

/**
 * Records every audited request (changes, secret reads) that got past the access guard, with the status it was
 * answered; the guard records the ones it refused. The record is written before the answer leaves, so a client that
 * reads the audit right after its change finds it.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const requirement = request.requirement;
    if (!requirement?.audited) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return from(
      (async () => {
        try {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await this.audit.record(request, request.identity, requirement.permission, response.statusCode);
          return result;
        } catch (error) {
          await this.audit.record(request, request.identity, requirement.permission, toProblem(error).status);
          throw error;
        }
      })(),
    );
  }
}
