/** What one `PutRecords` call may carry (Kinesis service limits). */
export const PUT_RECORDS_MAX_RECORDS = 500;
/** 5 MiB per request, counting every record's data and partition key. */
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;
