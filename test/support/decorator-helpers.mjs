/**
 * TypeScript's decorator helpers (`__decorate`, `__metadata`, `__param`, as `tsc` emits them for
 * `experimentalDecorators`), under the names oxc's transform imports them by.
 */
export function decorate(decorators, target, key, descriptor) {
  const count = arguments.length;
  let result = count < 3 ? target : descriptor === null ? (descriptor = Object.getOwnPropertyDescriptor(target, key)) : descriptor;
  if (typeof Reflect === "object" && typeof Reflect.decorate === "function") {
    result = Reflect.decorate(decorators, target, key, descriptor);
  } else {
    for (let index = decorators.length - 1; index >= 0; index -= 1) {
      const decorator = decorators[index];
      if (decorator) result = (count < 3 ? decorator(result) : count > 3 ? decorator(target, key, result) : decorator(target, key)) || result;
    }
  }
  if (count > 3 && result) Object.defineProperty(target, key, result);
  return result;
}

export function decorateMetadata(key, value) {
  if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(key, value);
  return undefined;
}

export function decorateParam(index, decorator) {
  return (target, key) => decorator(target, key, index);
}
