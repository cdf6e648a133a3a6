//! Passkeys as the pages show them: "Sign in with a passkey", "Create account with a
//! passkey", and the account page's list with its add and remove. The ceremonies run in
//! the browser's `navigator.credentials` and on the server's `/auth/passkey/…`
//! endpoints; the few lines of script between them are inline ([`PasskeyScript`]), so
//! the pages cost the wasm bundle nothing. Without JavaScript (or where the browser has
//! no passkeys) the buttons never appear, and removing a passkey is a plain form.

use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Deserialize, Serialize};

use super::{api::RemovePasskey, buttons::SignInButtons, pages::failure};
use crate::components::{alert::Alert, field::Field};

/// One of the member's passkeys, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    /// The credential id (base64url): what a removal names.
    pub id: String,
    pub name: String,
    /// When it was added, as a date ("28 Nov 2026").
    pub added: String,
    pub last_used: Option<String>,
}

/// The relying party id when this deployment offers passkeys.
fn relying_party() -> Option<std::sync::Arc<str>> {
    use_context::<SignInButtons>().and_then(|buttons| buttons.passkeys)
}

/// A button that runs a passkey ceremony (`kind`: `signin`, `signup`, `add`), hidden
/// until the script finds passkeys work here, with the place its refusals are said.
#[component]
pub fn PasskeyButton(kind: &'static str, label: &'static str) -> impl IntoView {
    relying_party().map(|party| {
        view! {
            <div class="passkey" data-passkey-rp=party.to_string()>
                <button type="button" data-passkey=kind hidden>{label}</button>
                <p id="passkey-error" class="field-error" role="alert"></p>
            </div>
        }
    })
}

/// The account page's passkeys: each with its dates and a Remove button (disabled for
/// the last way to sign in; the server refuses it too), and a named new one — after a
/// recent sign-in only (`recent`; the server refuses it too).
#[component]
pub fn Passkeys(passkeys: Vec<PasskeyView>, recent: bool, other_ways: usize) -> impl IntoView {
    relying_party()?;
    let refused = failure(RemovePasskey::PATH).map(|e| view! { <Alert message=e.to_string() /> });
    let last = passkeys.len() + other_ways <= 1;
    let rows = passkeys
        .into_iter()
        .map(|PasskeyView { id, name, added, last_used }| {
            let used = last_used.map_or_else(|| "never used".to_owned(), |at| format!("last used {at}"));
            view! {
                <li class="method passkey-row">
                    <span class="method-name">{name.clone()}</span>
                    <span class="method-state">{format!("Added {added}, {used}")}</span>
                    <form method="post" action=RemovePasskey::url()>
                        <input type="hidden" name="credential_id" value=id />
                        <button type="submit" disabled=last>{format!("Remove {name}")}</button>
                    </form>
                    {last.then(|| view! { <span class="method-note">"Your only way to sign in: it stays."</span> })}
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <h2>"Passkeys"</h2>
        <div class="account-form">
            {refused}
            <p>"Sign in with your fingerprint, face or device PIN instead of a password."</p>
            <ul class="methods">{rows}</ul>
            {if recent {
                view! {
                    <Field
                        label="Name of a new passkey (optional)"
                        id="passkey_name"
                        name="passkey_name"
                        placeholder="Phone"
                        hint=super::PASSKEY_NAME_HINT
                        error=Signal::stored(None)
                    />
                    <PasskeyButton kind="add" label="Add a passkey" />
                    <noscript><p class="field-hint">"Adding a passkey needs JavaScript."</p></noscript>
                }
                .into_any()
            } else {
                view! { <p class="field-hint">{super::SIGN_IN_AGAIN}</p> }.into_any()
            }}
        </div>
        <PasskeyScript />
    })
}

/// Runs the passkey buttons: asks the server for options, the browser for a credential,
/// and the server again to finish; then goes where the server says, or shows its
/// sentence at the field it names (else under the button). On the sign-in page it also
/// offers passkeys in the email field's autofill (conditional UI), where the browser
/// can. Plain script with the page's nonce, like `RevealScript`.
#[component]
pub fn PasskeyScript() -> impl IntoView {
    relying_party()
        .map(|_| view! { <script nonce=leptos::nonce::use_nonce() inner_html=SCRIPT></script> })
}

const SCRIPT: &str = r#"(()=>{
const P=window.PublicKeyCredential,box=document.querySelector('[data-passkey-rp]'),host=location.hostname;
if(!P||!navigator.credentials||!box)return;
const rp=box.dataset.passkeyRp;if(host!==rp&&!host.endsWith('.'+rp))return;
const bytes=s=>Uint8Array.from(atob(s.replace(/-/g,'+').replace(/_/g,'/')),c=>c.charCodeAt(0));
const text=b=>btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g,'-').replace(/\//g,'_').replace(/=+$/,'');
const byId=id=>document.getElementById(id),value=id=>byId(id)?.value??'';
const say=(message,field)=>{
for(const i of document.querySelectorAll('[aria-invalid="true"]')){i.setAttribute('aria-invalid','false');const e=byId(i.id+'-error');if(e)e.textContent=''}
const at=field&&byId(field+'-error');byId('passkey-error').textContent=at?'':message;
if(at){at.textContent=message;byId(field).setAttribute('aria-invalid','true');byId(field).focus()}};
const post=async(path,body)=>{
let r;try{r=await fetch('/auth/passkey/'+path,{method:'POST',headers:{'content-type':'application/json',accept:'application/json'},body:JSON.stringify(body??{})})}
catch{throw{message:'Could not reach Guestroom. Check your connection and try again.'}}
const a=await r.json().catch(()=>({}));
if(!r.ok)throw{message:a.message??(r.status===429?'Too many attempts — try again in a little while.':'That request was refused. Reload the page and try again.'),field:a.field};
return a};
const finish=async c=>{
const r=c.response,a={id:c.id,rawId:text(c.rawId),type:c.type,extensions:c.getClientExtensionResults(),response:{clientDataJSON:text(r.clientDataJSON)}};
if(r.attestationObject)Object.assign(a.response,{attestationObject:text(r.attestationObject),transports:r.getTransports?.()??[]});
else Object.assign(a.response,{authenticatorData:text(r.authenticatorData),signature:text(r.signature)},r.userHandle?{userHandle:text(r.userHandle)}:{});
location.assign((await post('finish',a)).to)};
const create=async(path,body)=>{
const o=(await post(path,body)).publicKey;o.challenge=bytes(o.challenge);o.user.id=bytes(o.user.id);
for(const c of o.excludeCredentials??[])c.id=bytes(c.id);
await finish(await navigator.credentials.create({publicKey:o}))};
let pending;
const get=async mediation=>{
pending?.abort();const signal=(pending=new AbortController()).signal;
const o=(await post('signin')).publicKey;o.challenge=bytes(o.challenge);
await finish(await navigator.credentials.get({publicKey:o,mediation,signal}))};
const run={signin:()=>get('optional'),
signup:()=>create('signup',{email:value('email'),display_name:value('display_name')}),
add:()=>create('add',{name:value('passkey_name')})};
for(const b of document.querySelectorAll('[data-passkey]')){b.hidden=false;b.onclick=async()=>{
say('');b.disabled=true;
try{await run[b.dataset.passkey]()}
catch(e){say(!(e instanceof DOMException)?e.message:
e.name==='InvalidStateError'?'This device has a passkey for this account already.':
e.name==='NotAllowedError'||e.name==='AbortError'?'The passkey request was cancelled or timed out. Nothing was changed.':
'This browser could not use a passkey here. Nothing was changed.',e.field)}
finally{b.disabled=false}}}
if(document.querySelector('[data-passkey="signin"]'))P.isConditionalMediationAvailable?.().then(ok=>ok&&get('conditional')).catch(()=>{});
})()"#;
