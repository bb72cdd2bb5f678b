/** Who sent a request: the claims of a verified Cognito access token that the api uses. */
export interface CognitoPrincipal {
  /** Stable user id (`sub`). */
  sub: string;
  /** Cognito user name (`username`, else `cognito:username`, else `sub`). */
  username: string;
  /** App client the token was issued to (`client_id`). */
  clientId: string;
  /** OAuth scopes (`scope`, space-separated). */
  scopes: string[];
  /** Cognito groups (`cognito:groups`). */
  groups: string[];
}
