using System.Globalization;
using VillagePoints.Core.Data;
using VillagePoints.Core.Ledger;

namespace VillagePoints.Core.Tests.Data;

public sealed class IdempotencyTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("patrol-7f3a")]
    [InlineData("~!#$%&'*+-.^_`|")]
    public void ValidateKey_PrintableAscii_IsAccepted(string key) => Idempotency.ValidateKey(key);

    public static TheoryData<string> BadKeys() => new() { "", " ", "a b", "键", "é", "tab\t", new string('k', 101) };

    [Theory, MemberData(nameof(BadKeys))]
    public void ValidateKey_EmptyTooLongOrNotPrintableAscii_IsRefused(string key) =>
        Assert.Equal("idempotency.key-invalid", Assert.Throws<DomainException>(() => Idempotency.ValidateKey(key)).Code);

    [Fact]
    public void Fingerprint_FieldsThatRunTogether_DoNotCollide()
    {
        Assert.NotEqual(Idempotency.Fingerprint("op").Add("ab").Add("c").Hash(), Idempotency.Fingerprint("op").Add("a").Add("bc").Hash());
        Assert.NotEqual(Idempotency.Fingerprint("op").Add("a\u001fb").Hash(), Idempotency.Fingerprint("op").Add("a").Add("b").Hash());
        Assert.NotEqual(Idempotency.Fingerprint("op").Add((string?)null).Hash(), Idempotency.Fingerprint("op").Add("").Hash());
        Assert.NotEqual(Idempotency.Fingerprint("op").Add(1L).Hash(), Idempotency.Fingerprint("op").Add("1").Hash());
        Assert.NotEqual(Idempotency.Fingerprint("a").Add("b").Hash(), Idempotency.Fingerprint("ab").Hash());
    }

    [Fact]
    public void Fingerprint_OfOneRequest_IsTheSameInEveryCulture()
    {
        string Of() => Idempotency.Fingerprint("op").Add(-12345L).Add(new DateOnly(2026, 3, 2)).Add(EntryKind.Award).Add(true).Hash();
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = Of();
            foreach (var name in new[] { "zh-CN", "ar-SA", "th-TH", "fa-IR" })
            {
                CultureInfo.CurrentCulture = new CultureInfo(name);
                Assert.Equal(invariant, Of());
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
