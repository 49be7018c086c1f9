// The availability kernel's module: availability.wgsl after the Philox functions it draws with.
import { withPhilox } from '../philox/philox';
import availabilityWgsl from './availability.wgsl?raw';

export const AVAILABILITY_WGSL = withPhilox(availabilityWgsl);
