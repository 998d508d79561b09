// The demo's API: the signed-in user's gallery (one fixed owner here), adopting direct uploads, soft
// delete with restore, permanent delete, and the lifecycle's cleanup status.
import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CIRRUS_MEDIA, CirrusCleanup, toHttpException } from 'cirrus-nestjs';

type MediaService = import('cirrus').MediaService;

export const OWNER = 'demo-user';

/** Awaits `work`, answering cirrus errors with their HTTP status and code. */
async function answer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw toHttpException(err);
  }
}

export function mediaController(label: string) {
  @Controller('api')
  class MediaController {
    constructor(
      @Inject(CIRRUS_MEDIA) readonly media: MediaService,
      @Inject(CirrusCleanup) readonly cleanup: CirrusCleanup,
    ) {}

    @Get('media')
    async list(@Query('deleted') deleted?: string) {
      const which = deleted === 'only' ? 'only' : 'exclude';
      return (await answer(this.media.list(OWNER, { limit: 1000, deleted: which }))).items;
    }

    /** Records a direct upload from its signed identifier; a refused file is destroyed in the cloud. */
    @Post('media')
    add(@Body('identifier') identifier: string) {
      return answer(this.media.adopt(identifier, OWNER));
    }

    /** Soft delete: the record is hidden and the asset kept until restored or deleted for good. */
    @Post('media/:id/trash')
    trash(@Param('id') id: string) {
      return answer(this.media.softRemove(Number(id), OWNER));
    }

    @Post('media/:id/restore')
    restore(@Param('id') id: string) {
      return answer(this.media.restore(Number(id), OWNER));
    }

    @Delete('media/:id')
    remove(@Param('id') id: string) {
      return answer(this.media.remove(Number(id), OWNER));
    }

    /** What the page shows about the lifecycle: the account and the last cleanup runs. */
    @Get('status')
    status() {
      return { account: label, runs: this.cleanup.runs.slice(-5) };
    }

    /** Runs a sweep or a reconcile now (the cleanup also runs them on a timer). */
    @Post('cleanup/:job')
    run(@Param('job') job: string) {
      return answer(this.cleanup.run(job === 'reconcile' ? 'reconcile' : 'sweep'));
    }
  }
  return MediaController;
}
