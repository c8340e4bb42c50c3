using System.Globalization;
using System.Text.Json;
using Oms.Connectors.Binance.Symbols;

namespace Oms.Connectors.Binance.Parsing;

/// <summary>Parsers for USD-M reference and account data (cold paths: <see cref="JsonDocument"/>).</summary>
public static class UsdMReferenceParsers
{
    /// <summary>
    /// Parses <c>exchangeInfo</c>: instrument specs (<see cref="MarketType.UsdMFutures"/>) from PRICE_FILTER, LOT_SIZE,
    /// MARKET_LOT_SIZE and MIN_NOTIONAL (<c>notional</c>; market orders are valued at the mark price, so it applies to
    /// them too), plus PERCENT_PRICE and MAX_NUM_ORDERS.
    /// </summary>
    public static UsdMExchangeInfo ParseExchangeInfo(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var rateLimits = new List<VenueRateLimit>();
        if (root.TryGetProperty("rateLimits", out var limits) && limits.ValueKind == JsonValueKind.Array)
        {
            foreach (var limit in limits.EnumerateArray())
            {
                if (SpotReferenceParsers.TryParseRateLimit(limit, out var parsed, out _)) rateLimits.Add(parsed);
            }
        }
        var result = new List<UsdMSymbolInfo>();
        if (root.TryGetProperty("symbols", out var list))
        {
            foreach (var symbol in list.EnumerateArray()) result.Add(ParseSymbol(symbol, symbols));
        }
        return new UsdMExchangeInfo
        {
            ServerTime = root.TryGetProperty("serverTime", out var time) ? JsonReading.FromMilliseconds(time.GetInt64()) : DateTimeOffset.UnixEpoch,
            RateLimits = rateLimits,
            Symbols = result,
        };
    }

    public static UsdMSymbolInfo ParseSymbol(JsonElement symbol, BinanceSymbolMapper symbols)
    {
        if (symbols.Api != BinanceApi.UsdM) throw new ArgumentException("a USD-M symbol needs the USD-M symbol mapper", nameof(symbols));
        var id = symbols.ToInstrument(symbol.GetRequiredString("symbol"));
        decimal tick = 0, minPrice = 0, maxPrice = 0, step = 0, minQty = 0, maxQty = 0, marketStep = 0, marketMin = 0, marketMax = 0, minNotional = 0;
        int? maxNumOrders = null;
        (decimal, decimal)? percent = null;
        if (symbol.TryGetProperty("filters", out var filters))
        {
            foreach (var filter in filters.EnumerateArray())
            {
                switch (filter.GetRequiredString("filterType"))
                {
                    case "PRICE_FILTER":
                        minPrice = filter.GetDecimal("minPrice");
                        maxPrice = filter.GetDecimal("maxPrice");
                        tick = filter.GetDecimal("tickSize");
                        break;
                    case "LOT_SIZE":
                        minQty = filter.GetDecimal("minQty");
                        maxQty = filter.GetDecimal("maxQty");
                        step = filter.GetDecimal("stepSize");
                        break;
                    case "MARKET_LOT_SIZE":
                        marketMin = filter.GetDecimal("minQty");
                        marketMax = filter.GetDecimal("maxQty");
                        marketStep = filter.GetDecimal("stepSize");
                        break;
                    case "MIN_NOTIONAL":
                        // USD-M names the field 'notional' (spot: 'minNotional').
                        minNotional = filter.TryGetProperty("notional", out _) ? filter.GetDecimal("notional") : filter.GetDecimal("minNotional");
                        break;
                    case "MAX_NUM_ORDERS":
                        maxNumOrders = (int)filter.GetRequiredInt64("limit");
                        break;
                    case "PERCENT_PRICE":
                        percent = (filter.GetDecimal("multiplierUp"), filter.GetDecimal("multiplierDown"));
                        break;
                    default:
                        // MAX_NUM_ALGO_ORDERS (removed 2025-12-29) and others are not pre-trade inputs here.
                        break;
                }
            }
        }

        // The documented field is 'orderTypes'; the doc example spells it 'OrderType'.
        var orderTypes = new List<OrderType>();
        if (symbol.TryGetProperty("orderTypes", out var types) || symbol.TryGetProperty("OrderType", out types))
        {
            foreach (var type in types.EnumerateArray())
            {
                if (UsdMEnums.ParseOrderType(type.GetString()) is { } parsed) orderTypes.Add(parsed);
            }
        }
        var timeInForces = new List<TimeInForce>();
        if (symbol.TryGetProperty("timeInForce", out var tifs) && tifs.ValueKind == JsonValueKind.Array)
        {
            foreach (var tif in tifs.EnumerateArray())
            {
                if (UsdMEnums.ParseTimeInForce(tif.GetString()) is { } parsed) timeInForces.Add(parsed);
            }
        }

        return new UsdMSymbolInfo
        {
            Spec = new InstrumentSpec
            {
                Id = id,
                BaseAsset = symbol.GetRequiredString("baseAsset"),
                QuoteAsset = symbol.GetRequiredString("quoteAsset"),
                TickSize = tick,
                MinPrice = minPrice,
                MaxPrice = maxPrice,
                StepSize = step,
                MinQuantity = minQty,
                MaxQuantity = maxQty,
                MarketStepSize = marketStep,
                MarketMinQuantity = marketMin,
                MarketMaxQuantity = marketMax,
                MinNotional = minNotional,
                ApplyMinNotionalToMarket = true,
            },
            Status = UsdMEnums.ParseContractStatus(Text(symbol, "status")),
            ContractType = UsdMEnums.ParseContractType(Text(symbol, "contractType")),
            MarginAsset = Text(symbol, "marginAsset"),
            PricePrecision = Int(symbol, "pricePrecision"),
            QuantityPrecision = Int(symbol, "quantityPrecision"),
            TriggerProtect = UsdMOrderParser.Optional(symbol, "triggerProtect"),
            LiquidationFee = UsdMOrderParser.Optional(symbol, "liquidationFee"),
            MarketTakeBound = UsdMOrderParser.Optional(symbol, "marketTakeBound"),
            MaxNumOrders = maxNumOrders,
            PercentPrice = percent,
            OrderTypes = orderTypes,
            TimeInForces = timeInForces,
            DeliveryDate = Time(symbol, "deliveryDate"),
            OnboardDate = Time(symbol, "onboardDate"),
        };
    }

    /// <summary>Parses <c>GET /fapi/v3/positionRisk</c> (v2 has the same core fields).</summary>
    public static IReadOnlyList<UsdMPosition> ParsePositionRisk(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return [.. document.RootElement.EnumerateArray().Select(p => ReadPosition(p, symbols))];
    }

    private static UsdMPosition ReadPosition(JsonElement p, BinanceSymbolMapper symbols)
    {
        var instrument = symbols.ToInstrument(p.GetRequiredString("symbol"));
        var sideText = Text(p, "positionSide");
        var side = UsdMEnums.ParsePositionSide(sideText ?? "BOTH")
            ?? throw new BinanceProtocolException($"position of {instrument} has an unknown position side '{sideText}'");
        return new UsdMPosition
        {
            Instrument = instrument,
            PositionSide = side,
            Quantity = p.GetDecimal("positionAmt"),
            EntryPrice = UsdMOrderParser.Optional(p, "entryPrice") ?? 0m,
            BreakEvenPrice = UsdMOrderParser.Optional(p, "breakEvenPrice"),
            MarkPrice = UsdMOrderParser.Optional(p, "markPrice"),
            UnrealizedPnl = UsdMOrderParser.Optional(p, "unRealizedProfit") ?? UsdMOrderParser.Optional(p, "unrealizedProfit"),
            LiquidationPrice = UsdMOrderParser.Optional(p, "liquidationPrice"),
            IsolatedMargin = UsdMOrderParser.Optional(p, "isolatedMargin"),
            Notional = UsdMOrderParser.Optional(p, "notional"),
            MarginAsset = Text(p, "marginAsset"),
            IsolatedWallet = UsdMOrderParser.Optional(p, "isolatedWallet"),
            InitialMargin = UsdMOrderParser.Optional(p, "initialMargin"),
            MaintenanceMargin = UsdMOrderParser.Optional(p, "maintMargin"),
            PositionInitialMargin = UsdMOrderParser.Optional(p, "positionInitialMargin"),
            OpenOrderInitialMargin = UsdMOrderParser.Optional(p, "openOrderInitialMargin"),
            AdlQuantile = Int(p, "adl"),
            UpdateTime = Time(p, "updateTime"),
        };
    }

    /// <summary>Parses <c>GET /fapi/v3/balance</c> (and <c>v2/account.balance</c>).</summary>
    public static IReadOnlyList<UsdMBalance> ParseBalances(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return [.. document.RootElement.EnumerateArray().Select(ReadBalance)];
    }

    private static UsdMBalance ReadBalance(JsonElement b) => new()
    {
        Asset = b.GetRequiredString("asset"),
        WalletBalance = b.TryGetProperty("balance", out _) ? b.GetDecimal("balance") : b.GetDecimal("walletBalance"),
        CrossWalletBalance = b.GetDecimal("crossWalletBalance"),
        CrossUnrealizedPnl = UsdMOrderParser.Optional(b, "crossUnPnl"),
        AvailableBalance = UsdMOrderParser.Optional(b, "availableBalance"),
        MaxWithdrawAmount = UsdMOrderParser.Optional(b, "maxWithdrawAmount"),
        UnrealizedProfit = UsdMOrderParser.Optional(b, "unrealizedProfit"),
        MarginBalance = UsdMOrderParser.Optional(b, "marginBalance"),
        InitialMargin = UsdMOrderParser.Optional(b, "initialMargin"),
        MaintenanceMargin = UsdMOrderParser.Optional(b, "maintMargin"),
        MarginAvailable = b.TryGetProperty("marginAvailable", out var m) && m.ValueKind is JsonValueKind.True or JsonValueKind.False ? m.GetBoolean() : null,
        UpdateTime = Time(b, "updateTime"),
    };

    /// <summary>Parses <c>GET /fapi/v3/account</c>.</summary>
    public static UsdMAccount ParseAccount(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        decimal D(string name) => UsdMOrderParser.Optional(root, name) ?? 0m;
        return new UsdMAccount
        {
            TotalInitialMargin = D("totalInitialMargin"),
            TotalMaintenanceMargin = D("totalMaintMargin"),
            TotalWalletBalance = D("totalWalletBalance"),
            TotalUnrealizedProfit = D("totalUnrealizedProfit"),
            TotalMarginBalance = D("totalMarginBalance"),
            TotalPositionInitialMargin = D("totalPositionInitialMargin"),
            TotalOpenOrderInitialMargin = D("totalOpenOrderInitialMargin"),
            TotalCrossWalletBalance = D("totalCrossWalletBalance"),
            TotalCrossUnrealizedPnl = D("totalCrossUnPnl"),
            AvailableBalance = D("availableBalance"),
            MaxWithdrawAmount = D("maxWithdrawAmount"),
            Assets = root.TryGetProperty("assets", out var assets) ? [.. assets.EnumerateArray().Select(ReadBalance)] : [],
            Positions = root.TryGetProperty("positions", out var positions) ? [.. positions.EnumerateArray().Select(p => ReadPosition(p, symbols))] : [],
        };
    }

    /// <summary>Parses <c>GET /fapi/v1/income</c>.</summary>
    public static IReadOnlyList<UsdMIncome> ParseIncome(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var rows = new List<UsdMIncome>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            var symbol = Text(row, "symbol");
            var typeText = row.GetRequiredString("incomeType");
            var tradeId = row.TryGetProperty("tradeId", out var t) ? t.ValueKind == JsonValueKind.Number ? t.GetRawText() : t.GetString() : null;
            rows.Add(new UsdMIncome
            {
                Instrument = string.IsNullOrEmpty(symbol) ? null : symbols.ToInstrument(symbol),
                Type = UsdMEnums.ParseIncomeType(typeText),
                TypeText = typeText,
                Amount = row.GetDecimal("income"),
                Asset = row.GetRequiredString("asset"),
                Info = Text(row, "info"),
                Time = JsonReading.FromMilliseconds(row.GetRequiredInt64("time")),
                TransactionId = row.GetRequiredInt64("tranId"),
                TradeId = string.IsNullOrEmpty(tradeId) ? null : tradeId,
            });
        }
        return rows;
    }

    /// <summary>
    /// Parses <c>GET /fapi/v1/userTrades</c> into fills with the venue's realized PnL and position side. Trade rows
    /// carry the venue order id only: <paramref name="clientOrderIds"/> maps them to client order ids, rows of other
    /// orders are skipped and their order ids added to <paramref name="unmatchedOrderIds"/>.
    /// </summary>
    public static IReadOnlyList<Fill> ParseUserTrades(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols, IReadOnlyDictionary<long, ClientOrderId> clientOrderIds,
        ICollection<long>? unmatchedOrderIds = null)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var fills = new List<Fill>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            var orderId = row.GetRequiredInt64("orderId");
            if (!clientOrderIds.TryGetValue(orderId, out var clientId))
            {
                unmatchedOrderIds?.Add(orderId);
                continue;
            }
            var instrument = symbols.ToInstrument(row.GetRequiredString("symbol"));
            var side = Text(row, "side") switch
            {
                "BUY" => OrderSide.Buy,
                "SELL" => OrderSide.Sell,
                _ => row.GetBoolOrDefault("buyer", false) ? OrderSide.Buy : OrderSide.Sell,
            };
            fills.Add(new Fill
            {
                Instrument = instrument,
                TradeId = new TradeId(row.GetRequiredInt64("id").ToString(CultureInfo.InvariantCulture)),
                ClientOrderId = clientId,
                VenueOrderId = UsdMOrderIds.Order(orderId),
                Side = side,
                Quantity = row.GetDecimal("qty"),
                Price = row.GetDecimal("price"),
                Fee = row.GetDecimal("commission"),
                FeeAsset = Text(row, "commissionAsset") ?? string.Empty,
                Liquidity = row.GetBoolOrDefault("maker", false) ? LiquiditySide.Maker : LiquiditySide.Taker,
                Timestamp = JsonReading.FromMilliseconds(row.GetRequiredInt64("time")),
                VenueRealizedPnl = UsdMOrderParser.Optional(row, "realizedPnl"),
                PositionSide = UsdMEnums.ParsePositionSide(Text(row, "positionSide")) ?? PositionSide.Both,
            });
        }
        return fills;
    }

    /// <summary>Parses <c>{"leverage","maxNotionalValue","symbol"}</c>.</summary>
    public static UsdMLeverage ParseLeverage(ReadOnlySpan<byte> json, BinanceSymbolMapper symbols)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        return new UsdMLeverage(symbols.ToInstrument(root.GetRequiredString("symbol")), (int)root.GetRequiredInt64("leverage"),
            UsdMOrderParser.Optional(root, "maxNotionalValue") ?? 0m);
    }

    /// <summary>Parses <c>{"listenKey": "…"}</c>.</summary>
    public static string ParseListenKey(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var key = document.RootElement.GetRequiredString("listenKey");
        if (key.Length == 0) throw new BinanceProtocolException("the listenKey is empty");
        return key;
    }

    /// <summary>Parses <c>{"dualSidePosition": bool}</c> into the position mode.</summary>
    public static PositionMode ParsePositionMode(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return document.RootElement.TryGetProperty("dualSidePosition", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() ? PositionMode.Hedge : PositionMode.OneWay
            : throw new BinanceProtocolException("the position mode answer has no boolean 'dualSidePosition'");
    }

    /// <summary>Parses <c>{"symbol","countdownTime":"100000"}</c>.</summary>
    public static TimeSpan ParseCountdown(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var value = document.RootElement.GetProperty("countdownTime");
        var ms = value.ValueKind == JsonValueKind.Number ? value.GetInt64()
            : long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw new BinanceProtocolException($"countdownTime is not a number: {value.GetRawText()}");
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Checks a <c>{"code":200,"msg":…}</c> acknowledgement (marginType, positionSide/dual, allOpenOrders).</summary>
    public static bool ParseAcknowledgement(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty("code", out var code)) return true;
        var value = code.ValueKind == JsonValueKind.Number ? code.GetInt32()
            : int.TryParse(code.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        if (value != 200) throw new BinanceProtocolException($"the acknowledgement has code {code.GetRawText()}: {Text(root, "msg")}");
        return true;
    }

    private static string? Text(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    private static DateTimeOffset? Time(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt64() > 0 ? JsonReading.FromMilliseconds(value.GetInt64()) : null;
}
