import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { etag } from './if-match';

/** Sets the ETag of a versioned record from the answer's `version` (send it back as If-Match). */
@Injectable()
class VersionETagInterceptor implements NestInterceptor {
  intercept(
    context: ExecutionContext,
    next: CallHandler<{ version: number }>,
  ): Observable<{ version: number }> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((answer) => {
        void reply.header('etag', etag(answer.version));
        return answer;
      }),
    );
  }
}

/** A route whose answer is one versioned record: its ETag names the version. */
export const AnswersWithVersionETag = (): MethodDecorator =>
  UseInterceptors(VersionETagInterceptor);
