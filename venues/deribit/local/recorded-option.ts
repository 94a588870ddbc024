// A recorded option quote (a public/get_order_book answer) replayed in the shapes the connector asks for: one row of
// the option chain (https://docs.deribit.com/#public-get_book_summary_by_currency) and an account holding the
// option (https://docs.deribit.com/#private-get_positions). Both methods carry the same mark, mark IV, underlying
// and open interest as the order book; only the fields the order book also has are filled from it, so every figure
// the tests check was recorded, not chosen.

/** The fields of a public/get_order_book answer for an option that the chain row and the position reuse. */
export interface RecordedOrderBook {
  instrument_name: string
  timestamp: number
  mark_iv: number
  mark_price: number
  underlying_price: number
  underlying_index: string
  index_price: number
  open_interest: number
  estimated_delivery_price: number
  interest_rate: number
  last_price: number | null
  best_bid_price: number | null
  best_ask_price: number | null
  stats: { volume: number; price_change: number | null; low: number | null; high: number | null }
  greeks: { delta: number; gamma: number; vega: number; theta: number; rho: number }
}

/** One row of get_book_summary_by_currency (kind option) holding the order book's figures. */
export function bookSummaryRow(book: RecordedOrderBook): Record<string, unknown> {
  const currency = book.instrument_name.split('-')[0]!
  const mid = book.best_bid_price !== null && book.best_ask_price !== null ? (book.best_bid_price + book.best_ask_price) / 2 : null
  return {
    instrument_name: book.instrument_name,
    base_currency: currency,
    // Coin-settled options are quoted in the coin.
    quote_currency: currency,
    creation_timestamp: book.timestamp,
    mark_iv: book.mark_iv,
    mark_price: book.mark_price,
    underlying_price: book.underlying_price,
    underlying_index: book.underlying_index,
    open_interest: book.open_interest,
    estimated_delivery_price: book.estimated_delivery_price,
    interest_rate: book.interest_rate,
    bid_price: book.best_bid_price,
    ask_price: book.best_ask_price,
    mid_price: mid,
    last: book.last_price,
    high: book.stats.high,
    low: book.stats.low,
    volume: book.stats.volume,
    price_change: book.stats.price_change,
  }
}

/** A get_book_summary_by_currency answer listing these options. */
export function bookSummaryAnswer(books: RecordedOrderBook[]): unknown {
  const usIn = books[0] ? books[0].timestamp * 1000 : 0
  return { jsonrpc: '2.0', id: 9344, result: books.map(bookSummaryRow), usIn, usOut: usIn + 333, usDiff: 333, testnet: false }
}

/**
 * A get_positions answer holding `size` of the option bought at `averagePrice` (coin per option), marked and
 * indexed as the order book was. Margins are zero: a long option needs none under standard margin.
 */
export function optionPositionAnswer(book: RecordedOrderBook, size: number, averagePrice: number): unknown {
  return {
    jsonrpc: '2.0',
    id: 2236,
    result: [
      {
        instrument_name: book.instrument_name,
        kind: 'option',
        direction: size < 0 ? 'sell' : 'buy',
        size: Math.abs(size),
        average_price: averagePrice,
        mark_price: book.mark_price,
        index_price: book.index_price,
        settlement_price: book.mark_price,
        floating_profit_loss: Number(((book.mark_price - averagePrice) * size).toFixed(8)),
        initial_margin: 0,
        maintenance_margin: 0,
        open_orders_margin: 0,
        realized_profit_loss: 0,
        total_profit_loss: Number(((book.mark_price - averagePrice) * size).toFixed(8)),
      },
    ],
  }
}
