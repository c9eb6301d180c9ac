/** The server under test. `tls` means TLS with ALPN "h2" (any certificate accepted); otherwise prior knowledge. */
export interface Target {
  host: string;
  port: number;
  tls: boolean;
  /** TLS server name (SNI); defaults to `host` when it is a name. */
  servername?: string;
}
