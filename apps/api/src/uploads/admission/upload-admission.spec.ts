import type { ApiConfig } from '../../config';
import { StagingSlots } from '../staging/staging-slots';
import { OverCapacityError } from './over-capacity.error';
import { MAX_HELD_BYTES_PER_UPLOAD, UploadAdmission } from './upload-admission';

const MiB = 1024 * 1024;

describe('UploadAdmission', () => {
  const INLINE_MAX = 4 * 1024;
  const admissionOf = (maxConcurrentPerUser: number, bodyBytesInFlight: number, stagingSlots = new StagingSlots(1000)) =>
    new UploadAdmission({ admission: { maxConcurrentPerUser, bodyBytesInFlight }, uploadInlineMaxBytes: INLINE_MAX } as ApiConfig, stagingSlots);

  it('admits a user’s uploads up to the per-user limit, then refuses that user alone (429 scope)', () => {
    const admission = admissionOf(2, 100 * MiB);
    admission.admit('a', 1000);
    const second = admission.admit('a', 1000);
    expect(() => admission.admit('a', 1000)).toThrow(expect.objectContaining({ scope: 'user' }) as Error);
    expect(() => admission.admit('b', 1000)).not.toThrow();
    second.release();
    expect(() => admission.admit('a', 1000)).not.toThrow();
  });

  it('charges each upload its Content-Length up to one part buffer, and refuses everyone past the budget (503 scope)', () => {
    const admission = admissionOf(100, 12 * MiB);
    const huge = admission.admit('a', 1024 * MiB);
    expect(huge.heldBytes).toBe(MAX_HELD_BYTES_PER_UPLOAD);
    admission.admit('b', 5 * MiB);
    expect(admission.bodyBytesInFlight).toBe(10 * MiB);
    expect(() => admission.admit('c', 3 * MiB)).toThrow(expect.objectContaining({ scope: 'all' }) as Error);
    // The refused upload did not keep its user's count either.
    expect(() => admission.admit('c', 1 * MiB)).not.toThrow();
    huge.release();
    huge.release();
    expect(admission.bodyBytesInFlight).toBe(6 * MiB);
  });

  it('charges a chunked body as it arrives, up to one part buffer, and stops it when the budget runs out', () => {
    const admission = admissionOf(100, 6 * MiB);
    const chunked = admission.admit('a', undefined);
    expect(chunked.heldBytes).toBe(0);
    chunked.bodyProgress(64 * 1024);
    chunked.bodyProgress(4 * MiB);
    expect(admission.bodyBytesInFlight).toBe(4 * MiB);
    const other = admission.admit('b', 2 * MiB);
    expect(() => chunked.bodyProgress(4 * MiB + 1)).toThrow(OverCapacityError);
    other.release();
    chunked.bodyProgress(50 * MiB);
    expect(chunked.heldBytes).toBe(MAX_HELD_BYTES_PER_UPLOAD);
    chunked.release();
    expect(admission.bodyBytesInFlight).toBe(0);
  });

  it('does not charge a body that stays within its Content-Length again', () => {
    const admission = admissionOf(100, 1 * MiB);
    const upload = admission.admit('a', 1000);
    upload.bodyProgress(1000);
    expect(admission.bodyBytesInFlight).toBe(1000);
  });

  it('takes a staging slot for an upload whose Content-Length is over the inline threshold, before its body is read', () => {
    const slots = new StagingSlots(4);
    const admission = admissionOf(100, 100 * MiB, slots);
    expect(admission.admit('a', INLINE_MAX).stagingSlotReserved).toBe(false);
    expect(admission.admit('a', undefined).stagingSlotReserved).toBe(false);
    const large = admission.admit('a', INLINE_MAX + 1);
    expect(large.stagingSlotReserved).toBe(true);
    expect(slots.used).toBe(1);
    // One user alone gets half of the 4 slots: the third large upload is refused, and holds nothing.
    admission.admit('a', MiB);
    expect(() => admission.admit('a', MiB)).toThrow(expect.objectContaining({ name: 'StagingBusyError', scope: 'user' }) as Error);
    expect(admission.bodyBytesInFlight).toBe(INLINE_MAX + INLINE_MAX + 1 + MiB);
    large.release();
    expect(slots.used).toBe(1);
  });
});
