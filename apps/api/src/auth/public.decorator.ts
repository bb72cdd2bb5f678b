import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';

/** Opts a controller or route out of the global bearer-token guard (health checks, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
