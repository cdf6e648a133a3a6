// The passkey buttons (passkeys.rs, inlined into the page with its nonce): asks the
// server for options, the browser for a credential, and the server again to finish; then
// goes where the server says, or says why not. A refusal is a code (the app's error
// codes: `passkey/expired`, `invalid/email/malformed`, …), which decides where it is said
// (at the field it names, else under the button); its sentence comes from the app's
// table: in the server's answer, or, for what only the browser sees, in the page
// (`data-passkey-sentences`). On the sign-in page it also offers passkeys in the email
// field's autofill (conditional UI), where the browser can.
(() => {
  const Credential = window.PublicKeyCredential;
  const box = document.querySelector('[data-passkey-rp]');
  if (!Credential || !navigator.credentials || !box) return;
  const rp = box.dataset.passkeyRp;
  const host = location.hostname;
  if (host !== rp && !host.endsWith('.' + rp)) return;

  const sentences = JSON.parse(box.dataset.passkeySentences);
  const refusal = (code) => ({ error: code, message: sentences[code] });
  // An answer without our body (a proxy's error page) means what its status says.
  const byStatus = (status) =>
    ({ 401: 'signed_out', 403: 'forbidden', 413: 'too_large', 429: 'too_many_requests' })[status] ??
    (status >= 500 ? 'unavailable' : 'bad_request');
  // What the browser refused with, as a code.
  const fromBrowser = (error) =>
    error?.name === 'InvalidStateError' ? 'passkey/on_this_device'
      : error?.name === 'NotAllowedError' || error?.name === 'AbortError' ? 'passkey/cancelled'
        : 'passkey/unsupported';

  const bytes = (text) =>
    Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const text = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const byId = (id) => document.getElementById(id);
  const value = (id) => byId(id)?.value ?? '';

  // The input a code is about: one field's `invalid/<field>/…`, or the email of
  // `conflict/email_taken`. A passkey's name is `passkey_name` on its page.
  const fieldOf = (code) => {
    const invalid = /^invalid\/(\w+)\/[^,]*$/.exec(code);
    const field = invalid ? invalid[1] : code === 'conflict/email_taken' ? 'email' : null;
    return field === 'name' ? 'passkey_name' : field;
  };
  const say = (said) => {
    for (const input of document.querySelectorAll('[aria-invalid="true"]')) {
      input.setAttribute('aria-invalid', 'false');
      const error = byId(input.id + '-error');
      if (error) error.textContent = '';
    }
    const field = said && fieldOf(said.error);
    const at = field && byId(field + '-error');
    byId('passkey-error').textContent = at || !said ? '' : said.message;
    if (at) {
      at.textContent = said.message;
      byId(field).setAttribute('aria-invalid', 'true');
      byId(field).focus();
    }
  };

  const post = async (path, body) => {
    let answer;
    try {
      answer = await fetch('/auth/passkey/' + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    } catch {
      throw refusal('unreachable');
    }
    const json = await answer.json().catch(() => null);
    if (!answer.ok) throw json?.error && json.message ? json : refusal(byStatus(answer.status));
    return json;
  };

  // `account`: a sign-up's email and display name, sent again with the answer (the
  // server's ceremony keeps only their digest).
  const finish = async (credential, account) => {
    const response = credential.response;
    const answer = {
      account,
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      extensions: credential.getClientExtensionResults(),
      response: { clientDataJSON: text(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      answer.response.attestationObject = text(response.attestationObject);
      answer.response.transports = response.getTransports?.() ?? [];
    } else {
      answer.response.authenticatorData = text(response.authenticatorData);
      answer.response.signature = text(response.signature);
      if (response.userHandle) answer.response.userHandle = text(response.userHandle);
    }
    location.assign((await post('finish', answer)).to);
  };
  const create = async (path, body) => {
    const options = (await post(path, body)).publicKey;
    options.challenge = bytes(options.challenge);
    options.user.id = bytes(options.user.id);
    for (const excluded of options.excludeCredentials ?? []) excluded.id = bytes(excluded.id);
    const account = path === 'signup' ? body : undefined;
    await finish(await navigator.credentials.create({ publicKey: options }), account);
  };
  let pending;
  const get = async (mediation) => {
    pending?.abort();
    const signal = (pending = new AbortController()).signal;
    const options = (await post('signin')).publicKey;
    options.challenge = bytes(options.challenge);
    await finish(await navigator.credentials.get({ publicKey: options, mediation, signal }));
  };

  const run = {
    signin: () => get('optional'),
    signup: () => create('signup', { email: value('email'), display_name: value('display_name') }),
    add: () => create('add', { name: value('passkey_name') }),
  };
  for (const button of document.querySelectorAll('[data-passkey]')) {
    button.hidden = false;
    button.onclick = async () => {
      say(null);
      button.disabled = true;
      try {
        await run[button.dataset.passkey]();
      } catch (error) {
        say(error?.error ? error : refusal(fromBrowser(error)));
      } finally {
        button.disabled = false;
      }
    };
  }
  if (document.querySelector('[data-passkey="signin"]')) {
    Credential.isConditionalMediationAvailable?.()
      .then((available) => available && get('conditional'))
      .catch(() => {});
  }
})();
