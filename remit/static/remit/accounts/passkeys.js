// Passkeys: hand the server's options to the browser's navigator.credentials and post back its
// answer. No library: the binary fields travel as url-safe base64 (as py_webauthn's
// options_to_json writes them and its parsers read them).
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function readOptions() {
    var element = document.getElementById("passkey-options");
    return element ? JSON.parse(element.textContent) : null;
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBuffer(item.id);
      return copy;
    });
  }

  function creationOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.user = Object.assign({}, options.user, { id: toBuffer(options.user.id) });
    publicKey.excludeCredentials = descriptors(options.excludeCredentials);
    return publicKey;
  }

  function requestOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.allowCredentials = descriptors(options.allowCredentials);
    return publicKey;
  }

  function answer(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      if (response.userHandle) out.response.userHandle = toText(response.userHandle);
    }
    return JSON.stringify(out);
  }

  function supported() {
    return window.isSecureContext && window.PublicKeyCredential && navigator.credentials;
  }

  function say(form, text) {
    var status = form.querySelector("[data-passkey-status]");
    status.textContent = text;
    status.hidden = false;
  }

  function explain(error, creating) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      return "The passkey was not used: it was cancelled or took too long. Try again.";
    }
    if (name === "InvalidStateError" && creating) {
      return "This device already holds a passkey for your account here.";
    }
    return creating
      ? "This device could not make a passkey. Try again, or use another device."
      : "The passkey did not work. Try again, or enter a code below.";
  }

  function wire(form, creating) {
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelector("[data-passkey-status]").hidden = true;
      if (!supported()) {
        say(form, "This browser cannot use passkeys here. Use a current browser, or enter a code.");
        return;
      }
      if (creating) {
        var name = form.querySelector("[name=name]");
        if (!name.value.trim()) {
          say(form, "Give the passkey a name first, such as the device it is on.");
          name.focus();
          return;
        }
      }
      var options = readOptions();
      button.disabled = true;
      var asked = creating
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      asked
        .then(function (credential) {
          form.querySelector("[name=passkey_response]").value = answer(credential);
          form.submit(); // submit() does not fire this handler again
        })
        .catch(function (error) {
          button.disabled = false;
          say(form, explain(error, creating));
        });
    });
  }

  var create = document.querySelector("form[data-passkey-create]");
  if (create) wire(create, true);
  var get = document.querySelector("form[data-passkey-get]");
  if (get) wire(get, false);
})();
