// HTTP calls of protocol v1 with the browser's session cookie (HttpOnly, so this code never sees the token).
// Errors become ApiError with the server's stable `code`.

export class ApiError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfterMs = extra.retryAfterMs;
    this.lastSeq = extra.lastSeq;
  }
}

const enc = encodeURIComponent;

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const e = body && body.error;
  return new ApiError(res.status, e ? e.code : 'http_' + res.status, e ? e.message : res.statusText, e || {});
}

export class Api {
  constructor(base = '', fetchImpl = (...a) => fetch(...a)) {
    this.base = base;
    this.fetch = fetchImpl;
    /** Called with the ApiError when any call answers 401: the session is gone. */
    this.onUnauthorized = null;
  }

  /** `signal`: an AbortSignal that cancels the call; it then rejects with the code `aborted`. */
  async call(method, path, body, { signal } = {}) {
    const init = { method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (signal) init.signal = signal;
    let res;
    try {
      res = await this.fetch(this.base + path, init);
    } catch (err) {
      if (signal && signal.aborted) throw new ApiError(0, 'aborted', 'cancelled');
      throw new ApiError(0, 'network', 'the server could not be reached');
    }
    if (!res.ok) {
      const e = await errorOf(res);
      if (e.status === 401 && this.onUnauthorized && !path.startsWith('/api/v1/auth/')) this.onUnauthorized(e);
      throw e;
    }
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  signup(username, password, invite) { return this.call('POST', '/api/v1/auth/signup', { username, password, invite }); }
  login(username, password) { return this.call('POST', '/api/v1/auth/login', { username, password, cookie: true }); }
  logout() { return this.call('POST', '/api/v1/auth/logout'); }
  me() { return this.call('GET', '/api/v1/me'); }
  changePassword(current, next) { return this.call('POST', '/api/v1/me/password', { current, new: next }); }
  sessions() { return this.call('GET', '/api/v1/me/sessions'); }
  endSession(id) { return this.call('DELETE', '/api/v1/me/sessions/' + enc(id)); }
  closeAccount(password) { return this.call('DELETE', '/api/v1/me', { password }); }
  settings() { return this.call('GET', '/api/v1/me/settings'); }
  setSettings(s) { return this.call('PATCH', '/api/v1/me/settings', s); }
  notifications(before) {
    return this.call('GET', '/api/v1/me/notifications?limit=50' + (before ? '&before=' + enc(before) : ''));
  }
  listRooms(q, after) {
    let p = '/api/v1/rooms?limit=100';
    if (q) p += '&q=' + enc(q);
    if (after) p += '&after=' + enc(after);
    return this.call('GET', p);
  }
  createRoom(name, passcode, capacity, visibility) {
    const body = { name };
    if (passcode) body.passcode = passcode;
    if (capacity) body.capacity = capacity;
    if (visibility && visibility !== 'public') body.visibility = visibility;
    return this.call('POST', '/api/v1/rooms', body);
  }
  room(id) { return this.call('GET', '/api/v1/rooms/' + enc(id)); }
  join(id, passcode) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/join', passcode ? { passcode } : {}); }
  leave(id) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/leave'); }
  updateRoom(id, change) { return this.call('PATCH', '/api/v1/rooms/' + enc(id), change); }
  deleteRoom(id) { return this.call('DELETE', '/api/v1/rooms/' + enc(id)); }
  invite(id, username) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/invites', { username }); }
  makeInviteLink(id, body) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/invite-links', body); }
  inviteLinks(id) { return this.call('GET', '/api/v1/rooms/' + enc(id) + '/invite-links'); }
  revokeInviteLink(id, linkId) { return this.call('DELETE', '/api/v1/rooms/' + enc(id) + '/invite-links/' + enc(linkId)); }
  report(id, seq, reason) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/messages/' + seq + '/report', { reason }); }
  reports(id) { return this.call('GET', '/api/v1/rooms/' + enc(id) + '/reports'); }
  resolveReport(id, reportId, action) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/reports/' + enc(reportId) + '/resolve', { action }); }
  invitePreview(token) { return this.call('GET', '/api/v1/invites/' + enc(token)); }
  acceptInviteLink(token) { return this.call('POST', '/api/v1/invites/' + enc(token) + '/accept'); }
  moderate(id, action, body) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/' + action, body); }
  messages(id, { before, after, limit = 50 } = {}) {
    let p = '/api/v1/rooms/' + enc(id) + '/messages?limit=' + limit;
    if (before !== undefined) p += '&before=' + before;
    if (after !== undefined) p += '&after=' + after;
    return this.call('GET', p);
  }
  /** `GET /search`: {hits, next, indexedThrough}; `order` 'relevance' ranks the hits, otherwise newest first. */
  search(q, { before = null, order = null, limit = 20, signal } = {}) {
    let p = '/api/v1/search?q=' + enc(q) + '&limit=' + limit;
    if (before) p += '&before=' + enc(before);
    if (order) p += '&order=' + enc(order);
    return this.call('GET', p, undefined, { signal });
  }
  markRead(id, seq) { return this.call('POST', '/api/v1/rooms/' + enc(id) + '/read', { seq }); }
  receipts(id) { return this.call('GET', '/api/v1/rooms/' + enc(id) + '/receipts'); }
  dm(username) { return this.call('POST', '/api/v1/dms/' + enc(username)); }
  groupDm(usernames) { return this.call('POST', '/api/v1/dms', { usernames }); }
  user(username) { return this.call('GET', '/api/v1/users/' + enc(username)); }
  invites() { return this.call('GET', '/api/v1/me/invites'); }
  acceptInvite(roomId) { return this.call('POST', '/api/v1/me/invites/' + enc(roomId) + '/accept'); }
  declineInvite(roomId) { return this.call('POST', '/api/v1/me/invites/' + enc(roomId) + '/decline'); }
  blocks() { return this.call('GET', '/api/v1/me/blocks'); }
  block(username) { return this.call('POST', '/api/v1/me/blocks/' + enc(username)); }
  unblock(username) { return this.call('DELETE', '/api/v1/me/blocks/' + enc(username)); }

  fileUrl(fileId) { return this.base + '/api/v1/files/' + enc(fileId); }

  /**
   * Uploads a file with XMLHttpRequest (the one browser API that reports upload progress). Returns
   * {promise, abort}; `onProgress(sentBytes, totalBytes)`.
   */
  upload(roomId, file, clientMsgId, onProgress) {
    const xhr = new XMLHttpRequest();
    const url = this.base + '/api/v1/rooms/' + enc(roomId) + '/files?name=' + enc(file.name || 'pasted')
      + '&clientMsgId=' + enc(clientMsgId);
    const promise = new Promise((resolve, reject) => {
      xhr.open('POST', url);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (ev) => onProgress && onProgress(ev.loaded, ev.lengthComputable ? ev.total : file.size);
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // not JSON
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else {
          const e = body && body.error;
          const retry = Number(xhr.getResponseHeader('Retry-After'));
          reject(new ApiError(xhr.status, e ? e.code : 'http_' + xhr.status, e ? e.message : xhr.statusText,
            { ...(e || {}), retryAfterMs: e && e.retryAfterMs !== undefined ? e.retryAfterMs : retry ? retry * 1000 : undefined }));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was cut off'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
      xhr.send(file);
    });
    return { promise, abort: () => xhr.abort() };
  }
}
