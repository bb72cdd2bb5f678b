import type { ApiConfig } from '../../config';
import { OverCapacityError } from './over-capacity.error';
import { MAX_HELD_BYTES_PER_UPLOAD, UploadAdmission } from './upload-admission';

const MiB = 1024 * 1024;

describe('UploadAdmission', () => {
  const admissionOf = (maxConcurrentPerUser: number, bodyBytesInFlight: number) =>
    new UploadAdmission({ admission: { maxConcurrentPerUser, bodyBytesInFlight } } as ApiConfig);

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
});
