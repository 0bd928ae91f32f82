// Passkeys (WebAuthn) for the second factor: enrolling one and using one.
// The server makes the options and checks the answer (core.second_factor);
// this only carries them between it and the browser's authenticator.
(function () {
  "use strict";

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function post(url, fields) {
    const body = new URLSearchParams(fields);
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
      credentials: "same-origin",
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  async function run(button) {
    const status = button.parentElement.querySelector(".passkey-status");
    const register = button.dataset.passkey === "register";
    status.textContent = "";
    button.disabled = true;
    try {
      const options = await post(button.dataset.optionsUrl, {
        purpose: register ? "register" : "use",
      });
      const credential = register
        ? await navigator.credentials.create({
            publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
          })
        : await navigator.credentials.get({
            publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
          });
      const nameField = document.getElementById("id_passkey_name");
      const result = await post(button.dataset.verifyUrl, {
        credential: JSON.stringify(credential.toJSON()),
        name: nameField ? nameField.value : "",
      });
      window.location.assign(result.redirect);
    } catch (error) {
      status.textContent = error.message;
      button.disabled = false;
    }
  }

  document.querySelectorAll("[data-passkey]").forEach(function (button) {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      button.disabled = true;
      return;
    }
    button.addEventListener("click", function () {
      run(button);
    });
  });
})();
