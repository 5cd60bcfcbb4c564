// The counter's cart without a round trip: + and − change the quantity in place and the total and what remains are
// recounted as the clerk types. The page works without this file: every button is a plain form submission and the
// server recounts; the checkout itself is always decided by the server.
(function () {
    "use strict";
    var form = document.querySelector("form.pos-cart[data-spendable]");
    if (!form) return;
    var spendable = parseInt(form.getAttribute("data-spendable"), 10) || 0;
    var lang = document.documentElement.lang || undefined;
    var total = document.getElementById("cart-total");
    var remaining = document.getElementById("cart-remaining");

    function quantityOf(input) {
        var text = (input.value || "").normalize("NFKC").trim();
        if (text === "") return 0;
        return /^\d{1,3}$/.test(text) ? parseInt(text, 10) : null;
    }

    function recount() {
        var sum = 0;
        form.querySelectorAll(".pos-item[data-price]").forEach(function (item) {
            var q = quantityOf(item.querySelector(".pos-qty"));
            item.classList.toggle("in-cart", q !== null && q > 0);
            if (q) sum += q * parseInt(item.getAttribute("data-price"), 10);
        });
        if (total) total.textContent = sum.toLocaleString(lang);
        if (remaining) {
            remaining.textContent = (spendable - sum).toLocaleString(lang);
            remaining.classList.toggle("amount-down", spendable - sum < 0);
        }
    }

    form.addEventListener("click", function (e) {
        var button = e.target.closest && e.target.closest("button.pos-step");
        if (!button) return;
        var input = button.parentElement.querySelector(".pos-qty");
        var q = quantityOf(input);
        if (q === null) return; // let the server say what is wrong with the typed value
        e.preventDefault();
        var plus = button.value.indexOf("plus:") === 0;
        q = Math.max(0, Math.min(999, q + (plus ? 1 : -1)));
        input.value = q === 0 ? "" : String(q);
        recount();
    });
    form.addEventListener("input", function (e) {
        if (e.target.classList && e.target.classList.contains("pos-qty")) recount();
    });
})();
