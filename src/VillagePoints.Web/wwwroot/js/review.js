// The review queue with a keyboard (j/k move, a approve, r reject, e return) and a photo viewer. The page works
// without this file: every action is a plain form and every photo a plain link.
(function () {
    "use strict";
    var claims = Array.prototype.slice.call(document.querySelectorAll("[data-claim]"));
    var current = -1;

    function typing(target) {
        var tag = target && target.tagName;
        return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
    }

    function select(i) {
        if (claims.length === 0) return;
        current = Math.max(0, Math.min(claims.length - 1, i));
        claims.forEach(function (c, n) { c.classList.toggle("is-current", n === current); });
        claims[current].focus();
        claims[current].scrollIntoView({ block: "nearest" });
    }

    function indexOf(el) {
        for (var i = 0; i < claims.length; i++) if (claims[i].contains(el)) return i;
        return -1;
    }

    // A reject or return waits for its reason: the key puts the cursor in the field, and Enter there sends it.
    function ask(claim, decision) {
        var form = claim.querySelector("form");
        var reason = claim.querySelector("input[name=Reason]");
        form.setAttribute("data-pending", decision);
        reason.focus();
    }

    function send(claim, decision) {
        var button = claim.querySelector("button[name=Decision][value=" + decision + "]");
        if (button) button.click();
    }

    document.addEventListener("keydown", function (e) {
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        if (document.querySelector("dialog[open]")) return;
        var target = e.target;
        if (e.key === "Enter" && target && target.name === "Reason") {
            var form = target.form;
            var pending = form.getAttribute("data-pending");
            if (pending) {
                e.preventDefault();
                send(claims[indexOf(target)], pending);
            }
            return;
        }
        if (typing(target)) return;
        var here = indexOf(document.activeElement);
        if (here >= 0) current = here;
        switch (e.key) {
            case "j": e.preventDefault(); select(current + 1); break;
            case "k": e.preventDefault(); select(current - 1); break;
            case "a": if (current >= 0) { e.preventDefault(); send(claims[current], "Approve"); } break;
            case "r": if (current >= 0) { e.preventDefault(); ask(claims[current], "Reject"); } break;
            case "e": if (current >= 0) { e.preventDefault(); ask(claims[current], "Return"); } break;
        }
    });

    // Clicking a reject or return button with an empty reason asks for the reason first instead of a round trip.
    claims.forEach(function (claim) {
        claim.addEventListener("click", function (e) {
            var b = e.target.closest && e.target.closest("button[name=Decision]");
            if (!b || b.value === "Approve") return;
            var reason = claim.querySelector("input[name=Reason]");
            if (reason.value.trim() === "") {
                e.preventDefault();
                ask(claim, b.value);
            }
        });
    });

    var dialog = document.getElementById("photo-viewer");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var image = document.getElementById("viewer-image");
    var title = document.getElementById("viewer-title");
    var links = [];
    var at = 0;
    var opener = null;

    function show(i) {
        at = (i + links.length) % links.length;
        var thumb = links[at].querySelector("img");
        image.src = links[at].href;
        image.alt = thumb ? thumb.alt : "";
        title.textContent = thumb ? thumb.alt : "";
        document.getElementById("viewer-prev").disabled = links.length < 2;
        document.getElementById("viewer-next").disabled = links.length < 2;
    }

    document.addEventListener("click", function (e) {
        var link = e.target.closest && e.target.closest("a[data-viewer]");
        if (!link) return;
        e.preventDefault();
        opener = link;
        links = Array.prototype.slice.call(document.querySelectorAll("a[data-viewer='" + link.getAttribute("data-viewer") + "']"));
        show(links.indexOf(link));
        dialog.showModal();
        document.getElementById("viewer-close").focus();
    });
    document.getElementById("viewer-prev").addEventListener("click", function () { show(at - 1); });
    document.getElementById("viewer-next").addEventListener("click", function () { show(at + 1); });
    document.getElementById("viewer-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (e) {
        if (e.key === "ArrowLeft") { e.preventDefault(); show(at - 1); }
        if (e.key === "ArrowRight") { e.preventDefault(); show(at + 1); }
    });
    dialog.addEventListener("close", function () {
        image.removeAttribute("src");
        if (opener) opener.focus();
    });
})();
