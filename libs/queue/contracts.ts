/** The one place that names queues, jobs and their payloads. Payloads are ids only. */
export const QueueName = {
  Deliveries: 'deliveries',
} as const;

export const JobName = {
  PublishDelivery: 'publish-delivery',
} as const;

export interface PublishDeliveryJob {
  deliveryId: string;
}

/** Fixed ids: adding a job whose id exists is a no-op, so a delivery is never enqueued twice. */
export const deliveryJobId = (deliveryId: string): string => `delivery-${deliveryId}`;
