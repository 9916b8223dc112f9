import { NotifyError } from '../errors.ts';

/** POST with a deadline; a non-2xx answer is an error naming the status (the body is not leaked into logs beyond 200 chars). */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  fetchImpl: typeof fetch,
): Promise<void> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'key-account-monitor', ...headers },
      body,
      signal,
    });
  } catch (err) {
    if (signal.aborted)
      throw new NotifyError('NOTIFY_SEND_TIMEOUT', `POST ${new URL(url).origin} timed out`, { cause: err });
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new NotifyError(
      'NOTIFY_SEND_FAILED',
      `POST ${new URL(url).origin} failed: ${cause?.code ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 200);
    throw new NotifyError(
      'NOTIFY_WEBHOOK_REJECTED',
      `POST ${new URL(url).origin} answered ${res.status} ${text}`.trim(),
    );
  }
  await res.body?.cancel().catch(() => {});
}
