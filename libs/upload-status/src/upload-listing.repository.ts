import { Inject, Injectable } from '@nestjs/common';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIST_KEY_ATTRIBUTE, OWNER_ATTRIBUTE, OWNER_INDEX_NAME } from './upload-listing';
import { PENDING_KEY_PREFIX, type UploadRecord, type UploadStatus } from './upload-record';
import { UPLOAD_STATUS_TABLE } from './upload-status.repository';

/** One upload as its owner's listing shows it (what the owner index projects). */
export type ListedUpload = Pick<
  UploadRecord,
  'id' | 'file_key' | 'original_name' | 'size' | 'content_type' | 'status' | 'accepted_at' | 'updated_at'
>;

/** The statuses a listing shows (a `deleted` upload is never listed). */
export type ListedStatus = Exclude<UploadStatus, 'deleted'>;

export interface UploadListRequest {
  /** Most uploads in the page, 1 or more. */
  limit: number;
  /** Only uploads older than this list key (the `next` of the previous page). */
  before?: string;
  /** Only uploads in this status. */
  status?: ListedStatus;
}

export interface UploadPage {
  /** Newest first. */
  uploads: ListedUpload[];
  /** The list key to pass as `before` for the next page; undefined when nothing older is left. */
  next?: string;
}

/**
 * Queries a page may cost. A run of deleted or filtered-out uploads is read past up to this
 * bound; beyond it the page comes back short, with `next` where the reading stopped, so one
 * request's cost stays bounded and paging stays correct.
 */
const MAX_QUERIES_PER_PAGE = 4;

type IndexItem = ListedUpload & { list_key: string };

/**
 * An owner's uploads, newest first, from the owner index (never a scan). An upload can have two
 * items there, the api's pending one and the worker's own, side by side under one list key: the
 * own item wins, and an upload whose own item is the `deleted` tombstone is left out. Each query
 * asks for `2 × limit + 1` items, so a page of uploads that all have both items is one query;
 * a page ends only after an upload's last item, since its pending item may be the next one.
 */
@Injectable()
export class UploadListingRepository {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    @Inject(UPLOAD_STATUS_TABLE) private readonly tableName: string,
  ) {}

  async list(ownerSub: string, request: UploadListRequest): Promise<UploadPage> {
    const uploads: ListedUpload[] = [];
    let before = request.before;
    for (let query = 0; query < MAX_QUERIES_PER_PAGE; query++) {
      const { items, exhausted } = await this.query(ownerSub, before, 2 * request.limit + 1);
      const groups = groupByListKey(items);
      // The last upload read may have an item just past the query's limit: read it again next time.
      if (!exhausted) groups.pop();
      for (const [index, group] of groups.entries()) {
        before = group.listKey;
        const upload = currentState(group.items);
        if (upload !== undefined && (request.status === undefined || upload.status === request.status)) uploads.push(upload);
        if (uploads.length === request.limit) {
          const more = !exhausted || index < groups.length - 1;
          return { uploads, next: more ? before : undefined };
        }
      }
      if (exhausted) return { uploads };
    }
    return { uploads, next: before };
  }

  private async query(ownerSub: string, before: string | undefined, limit: number): Promise<{ items: IndexItem[]; exhausted: boolean }> {
    const output = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OWNER_INDEX_NAME,
        KeyConditionExpression: before === undefined ? '#owner = :owner' : '#owner = :owner AND #list < :before',
        ExpressionAttributeNames: { '#owner': OWNER_ATTRIBUTE, ...(before === undefined ? {} : { '#list': LIST_KEY_ATTRIBUTE }) },
        ExpressionAttributeValues: { ':owner': ownerSub, ...(before === undefined ? {} : { ':before': before }) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return { items: (output.Items ?? []) as IndexItem[], exhausted: output.LastEvaluatedKey === undefined };
  }
}

/** Consecutive items under one list key: the items of one upload. */
function groupByListKey(items: IndexItem[]): Array<{ listKey: string; items: IndexItem[] }> {
  const groups: Array<{ listKey: string; items: IndexItem[] }> = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last?.listKey === item.list_key) last.items.push(item);
    else groups.push({ listKey: item.list_key, items: [item] });
  }
  return groups;
}

/** The upload as its own item says, else as its pending item says; undefined once deleted. */
function currentState(items: IndexItem[]): ListedUpload | undefined {
  const own = items.find((item) => !item.id.startsWith(PENDING_KEY_PREFIX));
  const chosen = own ?? items[0];
  if (chosen.status === 'deleted') return undefined;
  return {
    id: own === undefined ? chosen.id.slice(PENDING_KEY_PREFIX.length) : chosen.id,
    file_key: chosen.file_key,
    ...(chosen.original_name === undefined ? {} : { original_name: chosen.original_name }),
    size: chosen.size,
    content_type: chosen.content_type,
    status: chosen.status,
    accepted_at: chosen.accepted_at,
    updated_at: chosen.updated_at,
  };
}
