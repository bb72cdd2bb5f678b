import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * A conditional DynamoDB write (put or delete with a `ConditionExpression`), told as a yes or
 * no: true when it was applied, false when its condition failed; any other error is thrown.
 */
export async function appliedUnlessConditionFails(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
