/*
 * Fjellsport's own script: the cart (localStorage `fjellsport_cart`), the checkout, the order
 * confirmation and the consent banner (cookie `fjellsport_consent`).
 *
 * measureplan needs only two things from it:
 *   1. the visitor's consent, on every page: measureplan.consent({ analytics, ads })
 *   2. the purchase on the confirmation page: measureplan.track('purchase', { … }), on every load
 *      of that page, like most shops do; the plan's "dedupe": "transaction_id" makes sure each
 *      order reaches every tool once, however often the page is reloaded or opened.
 * Everything else (view_item, add_to_cart, remove_from_cart, begin_checkout, newsletter_signup,
 * visited_pricing, phone_click) is tracked by the triggers in /plans/webshop.json, with no code
 * here. Two optional extras show the journey API: the cart page's +/− buttons track add_to_cart /
 * remove_from_cart (so measureplan's cart follows quantities), and product pages run the plan's
 * experiment with measureplan.variant().
 *
 * Loaded in <head> after the measureplan stub, so `window.measureplan` always exists (calls made
 * before the tag has loaded are queued by the stub and replayed in order).
 */
(function () {
  'use strict';

  var CART_KEY = 'fjellsport_cart';
  var CONSENT_COOKIE = 'fjellsport_consent';
  var ORDERS_KEY = 'fjellsport_orders'; // localStorage: the last orders by id, so a reloaded (or reopened) confirmation page shows its order again
  var ORDERS_KEPT = 10;
  var ORDER_ID = /^FS-\d{6,20}$/;
  var CUSTOMER_KEY = 'fjellsport_customer'; // sessionStorage: name and e-mail for the confirmation page
  var FREE_SHIPPING_FROM = 1500;
  var SHIPPING = { standard: 99, express: 199, pickup: 0 };

  function measureplan() { return window.measureplan; }

  // ---------------------------------------------------------------------------------------------
  // Consent: the shop's banner is the source of truth. The cookie holds the visitor's choice as
  // "analytics:granted|ads:denied"; measureplan does not store the decision, so it is told on
  // every page load (and whenever the visitor changes their mind).

  // document.cookie throws where the browser refuses cookies to this page (a sandboxed frame):
  // the banner then asks on every page, and the shop still works.
  function readCookie() {
    try { return document.cookie; } catch (e) { return ''; }
  }

  function readConsent() {
    var match = readCookie().match(new RegExp('(?:^|;\\s*)' + CONSENT_COOKIE + '=([^;]*)'));
    if (!match) return null;
    var value = decodeURIComponent(match[1]);
    var choice = {};
    value.split('|').forEach(function (part) {
      var kv = part.split(':');
      if ((kv[0] === 'analytics' || kv[0] === 'ads') && (kv[1] === 'granted' || kv[1] === 'denied')) choice[kv[0]] = kv[1];
    });
    return choice.analytics && choice.ads ? choice : null;
  }

  function saveConsent(choice) {
    var value = 'analytics:' + choice.analytics + '|ads:' + choice.ads; // ':' and '|' are valid in a cookie value
    var secure = location.protocol === 'https:' ? '; Secure' : '';
    try {
      document.cookie = CONSENT_COOKIE + '=' + value + '; Max-Age=' + 60 * 60 * 24 * 180 + '; Path=/; SameSite=Lax' + secure;
    } catch (e) { /* cookies refused: the choice holds for this page */ }
  }

  function tellMeasureplan(choice) {
    var mp = measureplan();
    if (mp && typeof mp.consent === 'function') mp.consent({ analytics: choice.analytics, ads: choice.ads });
  }

  var consent = readConsent();
  if (consent) tellMeasureplan(consent); // as early as possible: before the plan's triggers fire

  function decide(choice) {
    consent = choice;
    saveConsent(choice);
    tellMeasureplan(choice);
    hideBanner();
  }

  function showBanner() {
    hideBanner();
    var current = consent || { analytics: 'denied', ads: 'denied' };
    var banner = document.createElement('section');
    banner.className = 'consent-banner';
    banner.id = 'consent-banner';
    banner.setAttribute('role', 'dialog');
    banner.setAttribute('aria-labelledby', 'consent-title');
    banner.innerHTML =
      '<h2 id="consent-title">Cookies at Fjellsport</h2>' +
      '<p>Necessary cookies keep your cart and this choice working. With your permission we also use ' +
      '<strong>statistics</strong> (Google Analytics and our own analytics) to improve the shop, and ' +
      '<strong>marketing</strong> (Google Ads, Meta, LinkedIn, Microsoft Advertising) to measure our ads. ' +
      'You can change your mind at any time under "Cookie settings" at the bottom of every page.</p>' +
      '<div class="choices" hidden data-consent-choices>' +
      '<label><input type="checkbox" checked disabled> <span><strong>Necessary</strong>: cart, checkout, this choice.</span></label>' +
      '<label><input type="checkbox" name="analytics"' + (current.analytics === 'granted' ? ' checked' : '') + '> <span><strong>Statistics</strong>: Google Analytics, Fjellsport analytics.</span></label>' +
      '<label><input type="checkbox" name="ads"' + (current.ads === 'granted' ? ' checked' : '') + '> <span><strong>Marketing</strong>: Google Ads, Meta, LinkedIn, Microsoft Advertising.</span></label>' +
      '</div>' +
      '<div class="buttons">' +
      '<button type="button" id="consent-accept-all">Accept all</button>' +
      '<button type="button" id="consent-necessary" class="secondary">Only necessary</button>' +
      '<button type="button" id="consent-choose" class="secondary">Let me choose</button>' +
      '<button type="button" id="consent-save" class="secondary" hidden>Save my choice</button>' +
      '</div>';
    document.body.appendChild(banner);
    var choices = banner.querySelector('[data-consent-choices]');
    banner.querySelector('#consent-accept-all').addEventListener('click', function () {
      decide({ analytics: 'granted', ads: 'granted' });
    });
    banner.querySelector('#consent-necessary').addEventListener('click', function () {
      decide({ analytics: 'denied', ads: 'denied' });
    });
    banner.querySelector('#consent-choose').addEventListener('click', function (e) {
      choices.hidden = false;
      e.currentTarget.hidden = true;
      banner.querySelector('#consent-save').hidden = false;
    });
    banner.querySelector('#consent-save').addEventListener('click', function () {
      decide({
        analytics: choices.querySelector('[name=analytics]').checked ? 'granted' : 'denied',
        ads: choices.querySelector('[name=ads]').checked ? 'granted' : 'denied',
      });
    });
  }

  function hideBanner() {
    var old = document.getElementById('consent-banner');
    if (old) old.remove();
  }

  // ---------------------------------------------------------------------------------------------
  // The cart: [{ sku, name, price, quantity }] in localStorage. Strictly necessary for the shop,
  // so it does not depend on consent.

  function readCart() {
    try {
      var items = JSON.parse(localStorage.getItem(CART_KEY) || '[]');
      return Array.isArray(items) ? items.filter(function (i) { return i && i.sku && i.quantity > 0; }) : [];
    } catch (e) {
      return [];
    }
  }

  function writeCart(items) {
    try {
      if (items.length) localStorage.setItem(CART_KEY, JSON.stringify(items));
      else localStorage.removeItem(CART_KEY);
    } catch (e) { /* storage full or blocked: the cart lives for this page only */ }
    renderCartCount();
  }

  function addToCart(item) {
    var items = readCart();
    var line = items.filter(function (i) { return i.sku === item.sku; })[0];
    if (line) line.quantity += 1;
    else items.push({ sku: item.sku, name: item.name, price: item.price, quantity: 1 });
    writeCart(items);
  }

  function setQuantity(sku, quantity) {
    var items = readCart()
      .map(function (i) { return i.sku === sku ? { sku: i.sku, name: i.name, price: i.price, quantity: quantity } : i; })
      .filter(function (i) { return i.quantity > 0; });
    writeCart(items);
  }

  function subtotal(items) {
    return items.reduce(function (sum, i) { return sum + i.price * i.quantity; }, 0);
  }

  function shippingCost(method, amount) {
    if (method === 'pickup') return 0;
    if (method === 'express') return amount >= FREE_SHIPPING_FROM ? 100 : SHIPPING.express;
    return amount >= FREE_SHIPPING_FROM ? 0 : SHIPPING.standard;
  }

  function nok(amount) { return 'NOK ' + amount.toLocaleString('en-US'); }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }

  function renderCartCount() {
    var count = readCart().reduce(function (n, i) { return n + i.quantity; }, 0);
    var nodes = document.querySelectorAll('.cart-count');
    for (var k = 0; k < nodes.length; k++) nodes[k].textContent = String(count);
  }

  function itemsTable(items, shipping) {
    var sum = subtotal(items);
    var rows = items.map(function (i) {
      return '<tr><td>' + escapeHtml(i.name) + '</td><td class="num">' + i.quantity + ' ×</td><td class="num">' + nok(i.price * i.quantity) + '</td></tr>';
    }).join('');
    var foot = '<tr><td colspan="2">Items</td><td class="num">' + nok(sum) + '</td></tr>';
    if (shipping !== undefined) {
      foot += '<tr><td colspan="2">Shipping</td><td class="num">' + (shipping ? nok(shipping) : 'free') + '</td></tr>' +
        '<tr class="total"><td colspan="2">Total</td><td class="num">' + nok(sum + shipping) + '</td></tr>';
    }
    return '<table><tbody>' + rows + '</tbody><tfoot>' + foot + '</tfoot></table>';
  }

  var toastTimer;
  function toast(text) {
    var old = document.querySelector('.toast');
    if (old) old.remove();
    var el = document.createElement('div');
    el.className = 'toast';
    el.setAttribute('role', 'status');
    el.innerHTML = '<span>' + escapeHtml(text) + '</span><a href="/cart">View cart</a>';
    document.body.appendChild(el);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.remove(); }, 4000);
  }

  // ---------------------------------------------------------------------------------------------
  // Pages

  function renderCart() {
    var root = document.querySelector('[data-cart]');
    if (!root) return;
    var items = readCart();
    if (!items.length) {
      root.innerHTML = '<div class="empty"><p>Your cart is empty.</p><a class="button" href="/products">Browse products</a></div>';
      return;
    }
    var sum = subtotal(items);
    var rows = items.map(function (i) {
      return '<tr data-line="' + escapeHtml(i.sku) + '">' +
        '<td><strong>' + escapeHtml(i.name) + '</strong><br><span class="small muted">' + escapeHtml(i.sku) + '</span></td>' +
        '<td class="num">' + nok(i.price) + '</td>' +
        '<td><span class="qty"><button type="button" data-qty="-1" aria-label="One less">−</button> ' + i.quantity +
        ' <button type="button" data-qty="1" aria-label="One more">+</button></span></td>' +
        '<td class="num">' + nok(i.price * i.quantity) + '</td>' +
        '<td><button type="button" class="remove" data-remove>Remove</button></td></tr>';
    }).join('');
    var ship = shippingCost('standard', sum);
    root.innerHTML =
      '<table><thead><tr><th>Product</th><th class="num">Price</th><th>Quantity</th><th class="num">Sum</th><th></th></tr></thead>' +
      '<tbody>' + rows + '</tbody>' +
      '<tfoot><tr><td colspan="3">Items</td><td class="num">' + nok(sum) + '</td><td></td></tr>' +
      '<tr><td colspan="3">Home delivery' + (ship ? ' (free from ' + nok(FREE_SHIPPING_FROM) + ')' : '') + '</td><td class="num">' + (ship ? nok(ship) : 'free') + '</td><td></td></tr>' +
      '<tr class="total"><td colspan="3">Total</td><td class="num">' + nok(sum + ship) + '</td><td></td></tr></tfoot></table>' +
      '<div class="cart-actions"><a href="/products">← Continue shopping</a>' +
      '<a class="button large" href="/checkout" id="go-to-checkout">Go to checkout</a></div>';
    root.querySelectorAll('tr[data-line]').forEach(function (tr) {
      var sku = tr.getAttribute('data-line');
      var line = items.filter(function (i) { return i.sku === sku; })[0];
      tr.querySelectorAll('[data-qty]').forEach(function (b) {
        b.addEventListener('click', function () {
          var step = Number(b.getAttribute('data-qty'));
          setQuantity(sku, line.quantity + step);
          // One more or one less of a product: the same conversions the plan's cart follows (its
          // "Remove" button is a trigger in the plan; these buttons are the shop's own code).
          var mp = measureplan();
          if (mp) {
            if (step > 0) mp.track('add_to_cart', { item_id: sku, item_name: line.name, value: line.price, quantity: 1 });
            else mp.track('remove_from_cart', { item_id: sku, quantity: 1 });
          }
          renderCart();
        });
      });
      tr.querySelector('[data-remove]').addEventListener('click', function () { setQuantity(sku, 0); renderCart(); });
    });
  }

  function setupCheckout() {
    var form = document.getElementById('checkout-form');
    if (!form) return;
    var summary = document.querySelector('[data-summary]');
    var items = readCart();
    var method = function () { var r = form.querySelector('input[name=shipping]:checked'); return r ? r.value : 'standard'; };
    var render = function () {
      var sum = subtotal(items);
      ['standard', 'express'].forEach(function (m) {
        var tag = document.querySelector('[data-shipping-price=' + m + ']');
        if (tag) tag.textContent = shippingCost(m, sum) ? nok(shippingCost(m, sum)) : 'free';
      });
      summary.innerHTML = items.length
        ? itemsTable(items, shippingCost(method(), sum)) + '<p class="small" style="margin-top:.75rem"><a href="/cart">Change the cart</a></p>'
        : '<div class="empty"><p>Your cart is empty.</p><a href="/products">Browse products</a></div>';
      form.querySelector('[data-place-order]').disabled = !items.length;
    };
    form.addEventListener('change', render);
    render();

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!readCart().length) return;
      var orderId = 'FS-' + Date.now() + String(Math.floor(Math.random() * 1000)).padStart(3, '0'); // two shoppers in one millisecond still get two orders
      var data = new FormData(form);
      try {
        sessionStorage.setItem(CUSTOMER_KEY, JSON.stringify({ name: String(data.get('name') || ''), email: String(data.get('email') || ''), shipping: method() }));
      } catch (err) { /* the confirmation page just shows less */ }
      location.href = '/checkout/done?order=' + encodeURIComponent(orderId);
    });
  }

  function readOrders() {
    try {
      var orders = JSON.parse(localStorage.getItem(ORDERS_KEY) || '{}');
      return orders && typeof orders === 'object' && !Array.isArray(orders) ? orders : {};
    } catch (e) {
      return {};
    }
  }

  function saveOrder(order) {
    var orders = readOrders();
    orders[order.id] = order;
    var ids = Object.keys(orders).sort(function (a, b) { return (orders[a].placed || 0) - (orders[b].placed || 0); });
    while (ids.length > ORDERS_KEPT) delete orders[ids.shift()];
    try { localStorage.setItem(ORDERS_KEY, JSON.stringify(orders)); } catch (e) { /* this page still shows it */ }
  }

  function confirmOrder() {
    var root = document.querySelector('[data-order]');
    if (!root) return;
    var orderId = new URLSearchParams(location.search).get('order') || '';
    var customer = {};
    try { customer = JSON.parse(sessionStorage.getItem(CUSTOMER_KEY) || '{}') || {}; } catch (e) { /* none */ }

    var order = null;
    if (ORDER_ID.test(orderId)) {
      var orders = readOrders();
      if (Object.prototype.hasOwnProperty.call(orders, orderId) && orders[orderId] && Array.isArray(orders[orderId].items)) order = orders[orderId];
      var items = readCart();
      if (!order && items.length) {
        // A new order: keep it (for reloads and other tabs) and empty the cart.
        order = { id: orderId, items: items, shipping: shippingCost(customer.shipping || 'standard', subtotal(items)), placed: Date.now() };
        saveOrder(order);
        writeCart([]);
      }
    }

    if (order) {
      // Every load of this page tells measureplan about its order (a reload, the back button, a
      // second tab): the plan's "dedupe" key keeps it at one purchase everywhere.
      var purchase = {
        transaction_id: order.id,
        value: subtotal(order.items), // the goods, without shipping
        items: order.items.map(function (i) { return { item_id: i.sku, item_name: i.name, price: i.price, quantity: i.quantity }; }),
      };
      measureplan().track('purchase', purchase);
      var call = document.querySelector('[data-purchase-call]');
      if (call) call.textContent = "measureplan.track('purchase', " + JSON.stringify(purchase, null, 2) + ')';
    }

    if (!order) {
      root.innerHTML = '<div class="empty"><h1>No order to show</h1><p>We could not find this order. Your cart might be empty.</p><a class="button" href="/products">Browse products</a></div>';
      return;
    }
    var greeting = customer.name ? ', ' + escapeHtml(customer.name.split(' ')[0]) : '';
    root.innerHTML =
      '<section class="confirmation">' +
      '<h1>Thank you for your order' + greeting + '!</h1>' +
      '<p>Order number <span class="order-id" data-order-id>' + escapeHtml(order.id) + '</span>' +
      (customer.email ? '. A confirmation is on its way to ' + escapeHtml(customer.email) + '.' : '.') + '</p>' +
      itemsTable(order.items, order.shipping) +
      '</section>' +
      '<h2>What happens next</h2>' +
      '<ol class="steps"><li>We pack your order in Lillehammer within 1–2 working days.</li>' +
      '<li>You get a tracking link by e-mail and text message.</li>' +
      '<li>Not right? Return it within 30 days, free within Norway.</li></ol>' +
      '<p><a href="/products">Continue shopping</a></p>';
  }

  function setupHome() {
    if (new URLSearchParams(location.search).get('subscribed') !== '1') return;
    var notice = document.querySelector('[data-subscribed]');
    var form = document.querySelector('form.newsletter');
    if (notice) notice.hidden = false;
    if (form) form.hidden = true;
  }

  // ---------------------------------------------------------------------------------------------
  // The experiment in the plan ("free_shipping_banner", judged on purchase): product pages show
  // half the visitors a free-shipping offer in the bar above the header. measureplan picks the
  // variant (the same for a visitor on every page and visit) and records the exposure; without
  // analytics consent every visitor sees the control. The bar's text changes in place, so the
  // variant moves no content (no layout shift for the page-experience report).
  function runExperiment() {
    whenMeasureplanReady(function (mp) {
      if (!document.body || document.body.getAttribute('data-page') !== 'product' || typeof mp.variant !== 'function') return;
      if (mp.variant('free_shipping_banner') !== 'banner') return;
      var bar = document.querySelector('.usp-bar');
      if (!bar) return;
      bar.classList.add('usp-bar--offer');
      bar.textContent = 'Free shipping on this order when you buy today · 30-day returns';
    });
  }

  /** Calls fn(measureplan) once the tag has read its plan (the stub has no answers, only a queue). */
  function whenMeasureplanReady(fn) {
    var mp = measureplan();
    if (mp && mp.ready) { mp.ready.then(function (ok) { if (ok) fn(measureplan()); }); return; }
    var tag = document.querySelector('script[src*="measureplan.iife.js"]');
    if (tag) tag.addEventListener('load', function () { whenMeasureplanReady(fn); });
  }

  // "Add to cart" anywhere on the site (the measureplan click trigger sees the same click).
  document.addEventListener('click', function (e) {
    var button = e.target && e.target.closest ? e.target.closest('button.add-to-cart') : null;
    if (!button) return;
    var price = Number(button.getAttribute('data-price'));
    addToCart({ sku: button.getAttribute('data-sku'), name: button.getAttribute('data-name'), price: price });
    toast(button.getAttribute('data-name') + ' is in your cart');
    if (document.body.getAttribute('data-page') === 'cart') renderCart();
  });

  document.addEventListener('DOMContentLoaded', function () {
    renderCartCount();
    if (!consent) showBanner();
    document.querySelectorAll('[data-open-consent]').forEach(function (b) { b.addEventListener('click', showBanner); });
    var pageName = document.body.getAttribute('data-page');
    if (pageName === 'home') setupHome();
    if (pageName === 'cart') renderCart();
    if (pageName === 'checkout') setupCheckout();
    if (pageName === 'done') confirmOrder();
    runExperiment();
  });

  // The cart may change in another tab, also while this page is still loading (no body yet).
  window.addEventListener('storage', function (e) {
    if (e.key !== CART_KEY || !document.body) return;
    renderCartCount();
    if (document.body.getAttribute('data-page') === 'cart') renderCart();
  });
})();
