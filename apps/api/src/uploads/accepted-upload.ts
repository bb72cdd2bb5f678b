/** An upload whose event Kinesis accepted. */
export interface AcceptedUpload {
  id: string;
  file_key: string;
}
