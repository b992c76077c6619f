import type { SavedState } from '../cursor/state.js';
import { stateJson } from '../cursor/state.js';
import { estimate, streamState, streamStatus } from '../protocol/builders.js';
import type { Emitter } from '../protocol/emitter.js';
import type { StreamEvent } from '../stream/stream-reader.js';

/**
 * Writes one stream's events as Airbyte messages, and keeps what a failure needs: the last state
 * saved, and whether records were printed after it.
 */
export class SyncOutput {
  records = 0;
  private recordsSinceState = 0;
  private stateEmitted = false;

  /** `lastState` is the state the sync started from, ranges ahead included. */
  constructor(
    private readonly stream: string,
    private readonly emitter: Emitter,
    public lastState: SavedState,
  ) {}

  async write(event: StreamEvent<string>): Promise<void> {
    if (event.kind === 'records') {
      await this.emitter.emitText(event.records);
      this.records += event.count;
      this.recordsSinceState += event.count;
    } else if (event.kind === 'checkpoint') {
      await this.emitter.emit(streamState(this.stream, { ...stateJson(event.state) }, this.recordsSinceState));
      this.lastState = event.state;
      this.recordsSinceState = 0;
      this.stateEmitted = true;
    } else {
      await this.emitter.emit(estimate(this.stream, event.rowEstimate));
    }
    await this.emitter.flush();
  }

  /** The sync failed: the state it started from is saved again, when nothing was printed after it. */
  async fail(): Promise<void> {
    // Only a state that covers every record printed may follow them; the saved one does.
    if (!this.stateEmitted && this.recordsSinceState === 0)
      await this.emitter.emit(streamState(this.stream, { ...stateJson(this.lastState) }, 0));
    await this.emitter.emit(streamStatus(this.stream, 'INCOMPLETE'));
  }
}
