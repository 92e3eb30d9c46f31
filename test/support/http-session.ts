/** A browser-like client for API tests: keeps the session cookie and sends the CSRF token. */
export interface ApiResponse<T = unknown> {
  status: number;
  type: string;
  body: T;
}

export class HttpSession {
  private cookie?: string;
  private csrf?: string;

  constructor(readonly baseUrl: string, private readonly bearer?: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), { ...(body !== undefined && { "content-type": "application/json" }), ...headers });
  }

  /** A raw body (a file upload), with the session and CSRF headers. */
  upload<T = unknown>(path: string, bytes: Buffer, contentType = "application/marc") {
    return this.send<T>("POST", path, bytes, { "content-type": contentType });
  }

  private async send<T>(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.cookie && { cookie: this.cookie }),
        ...(this.csrf && method !== "GET" && { "x-csrf-token": this.csrf }),
        ...(this.bearer && { authorization: `Bearer ${this.bearer}` }),
        ...headers,
      },
      body,
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
    const csrf = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof csrf === "string") this.csrf = csrf;
    return { status: response.status, type: response.headers.get("content-type") ?? "", body: parsed };
  }

  get<T = unknown>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
  patch<T = unknown>(path: string, body: unknown) {
    return this.request<T>("PATCH", path, body);
  }
  delete<T = unknown>(path: string) {
    return this.request<T>("DELETE", path);
  }

  static async staff(baseUrl: string, email: string, password: string): Promise<HttpSession> {
    const session = new HttpSession(baseUrl);
    const response = await session.post("/v1/auth/staff/login", { email, password });
    if (response.status !== 200) throw new Error(`staff login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return session;
  }

  static async patron(baseUrl: string, library: string, cardNumber: string, pin: string): Promise<HttpSession> {
    const session = new HttpSession(baseUrl);
    const response = await session.post("/v1/auth/patron/login", { library, cardNumber, pin });
    if (response.status !== 200) throw new Error(`patron login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return session;
  }
}
