import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { toProblem } from '../http/problem.filter';
import type { IdentifiedRequest } from './access.guard';
import { AuditService } from './audit.service';
import { setRequestAudit } from './request-actor';

/**
 * Records every audited request (changes, secret reads) that got past the access guard, with the status it was
 * answered; the guard records the ones it refused. A change whose service writes it in one transaction (the PUT of an
 * application) writes its record in that same transaction (`auditChangeIn`), so the record costs no commit of its
 * own; every other audited request's record is written here, when it ends. Either way the record is committed before
 * the answer leaves, so a client that reads the audit right after its change finds it.
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
    const entry = this.audit.open(request, request.identity, requirement.permission);
    setRequestAudit(entry);
    return from(
      (async () => {
        try {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await entry.settle(response.statusCode);
          return result;
        } catch (error) {
          await entry.settle(toProblem(error).status);
          throw error;
        }
      })(),
    );
  }
}
