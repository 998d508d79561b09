// Types of the Node package: the generated addon declarations plus the option types they use.
export * from './native';
export * from './options';
