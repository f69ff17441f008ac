import { createContext, useContext, type ReactNode } from 'react';
import type { FlowflareConnection, MetricsSource } from './types.js';

const ConnectionContext = createContext<FlowflareConnection | null>(null);

/** Props of {@link FlowflareProvider}. */
export interface FlowflareProviderProps extends FlowflareConnection {
  children?: ReactNode;
}

/**
 * Gives every Flowflare hook below it the service's WebSocket URL and how to get tokens.
 * @example
 * <FlowflareProvider websocketUrl="wss://flows.example.com/api/tracker-websocket" getToken={fetchToken}>
 *   <OrderStatus orderId="order-42" />
 * </FlowflareProvider>
 */
export function FlowflareProvider({ children, ...connection }: FlowflareProviderProps) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

/** The connection a hook uses: its own argument first, then the nearest provider. */
export function useConnection(override?: Partial<FlowflareConnection>): FlowflareConnection | null {
  const context = useContext(ConnectionContext);
  const websocketUrl = override?.websocketUrl ?? context?.websocketUrl;
  if (!websocketUrl) return null;
  return {
    websocketUrl,
    token: override?.token ?? context?.token,
    getToken: override?.getToken ?? context?.getToken,
  };
}

/** The metrics source a hook uses: its own argument first, then the nearest provider. */
export function useMetricsSource(override?: Partial<FlowflareConnection>): MetricsSource | null {
  const context = useContext(ConnectionContext);
  return override?.client ?? context?.client ?? null;
}
