// The transport under The Graph's client, named by `customFetch` in .graphclientrc.yml. GraphQL Mesh hands a
// custom fetch the operation's context; crossmargin puts its own transport there (`context.crossmargin.fetch`:
// the venue's request budget, the call's deadline, HTTP failures turned into crossmargin's errors), so that the
// generated client and the rest of crossmargin reach a subgraph the same way. Without one (the CLI's own
// commands), Node's fetch.
/* global fetch */
export default function subgraphFetch(url, init, context) {
  const transport = context?.crossmargin?.fetch
  return transport ? transport(url, init) : fetch(url, init)
}
