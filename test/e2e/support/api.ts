import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';

/** A JSON call to the real server, as the app makes it (protocol header, bearer token). */
export async function api<T>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The demo coordinator's session token (seeded demo only). */
export async function coordinatorToken(base: string): Promise<string> {
  const { token } = await api<{ token: string }>(base, '/api/auth/login', {
    method: 'POST',
    body: { email: 'koordinator@cilegon.demo', password: 'telusur-demo' },
  });
  return token;
}

/**
 * A one-time enrolment code for a demo verifier, made as the coordinator makes it
 * (Verifikator → Daftarkan tablet). Returns the code and its QR (SVG), the verifier's id
 * and the coordinator's token for further calls.
 */
export async function enrolmentCodeFor(
  base: string,
  email: string,
): Promise<{ code: string; qrSvg: string; verifierId: string; token: string }> {
  const token = await coordinatorToken(base);
  const { verifiers } = await api<{ verifiers: { id: string; email: string }[] }>(
    base,
    '/api/verifiers',
    { token },
  );
  const v = verifiers.find((x) => x.email === email);
  if (!v) throw new Error(`demo verifier ${email} missing`);
  const { code, qrSvg } = await api<{ code: string; qrSvg: string }>(
    base,
    `/api/verifiers/${v.id}/enrolments`,
    { method: 'POST', token, body: {} },
  );
  return { code, qrSvg, verifierId: v.id, token };
}

/** The assessment id of a demo unit (by its code), as the coordinator's assignments list it. */
export async function assessmentIdFor(
  base: string,
  token: string,
  unitCode: string,
): Promise<string> {
  const { units } = await api<{ units: { id: string; code: string }[] }>(base, '/api/units', {
    token,
  });
  const unitId = units.find((u) => u.code === unitCode)?.id;
  const { assignments } = await api<{ assignments: { unitId: string; assessmentId: string }[] }>(
    base,
    '/api/assignments',
    { token },
  );
  const assessmentId = assignments.find((a) => a.unitId === unitId)?.assessmentId;
  if (!assessmentId) throw new Error(`${unitCode} has no assessment`);
  return assessmentId;
}
